"""Build vanthu's compiled modules, pipeline/correct/*.pyx: the corrector's beam (_beam), and
its channel model's DP (_segments) and backward search (_search).

Everything else is in pyproject.toml. The modules are optional: without a C compiler or
Cython the build warns and vanthu runs their Python versions instead, with the same results,
slower.
"""

from glob import glob

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing when a compiled module cannot be built."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers
            self.warn(f"the compiled modules were not built ({exc}); vanthu will use their Python versions")

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self.warn(f"{ext.name} was not built ({exc}); vanthu will use its Python version")


def extensions() -> list:
    try:
        from Cython.Build import cythonize

        return cythonize(sorted(glob("pipeline/correct/*.pyx")), language_level=3, quiet=True)
    except Exception as exc:  # no Cython, or it failed
        print(f"warning: the compiled modules are not built ({exc}); vanthu will use their Python versions")
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
