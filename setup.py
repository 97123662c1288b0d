"""Build vanthu's one compiled module, the corrector's beam (pipeline/correct/_beam.pyx).

Everything else is in pyproject.toml. The module is optional: without a C compiler or Cython
the build warns and vanthu runs its numpy beam instead, with the same results, slower.
"""

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing when the compiled beam cannot be built."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers
            self.warn(f"the compiled beam was not built ({exc}); vanthu will use its numpy beam")

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self.warn(f"{ext.name} was not built ({exc}); vanthu will use its numpy beam")


def extensions() -> list:
    try:
        from Cython.Build import cythonize

        return cythonize(["pipeline/correct/_beam.pyx"], language_level=3, quiet=True)
    except Exception as exc:  # no Cython, or it failed
        print(f"warning: the compiled beam is not built ({exc}); vanthu will use its numpy beam")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
