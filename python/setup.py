"""Build the rlsq Python package with CMake (no downloads).

From python/ of a checkout, with the C++ build dependencies installed (cmake, ninja-build, g++, abseil, Boost,
OpenSSL, a Java runtime for ANTLR, pybind11-dev, python3-dev) and python3-setuptools / python3-wheel /
python3-build:

    /usr/bin/python3 -m pip install --no-build-isolation --target DIR .   # or --prefix DIR, or into a venv
    /usr/bin/python3 -m build --no-isolation --wheel                       # dist/rlsq-*.whl

Debian 12 marks its python3 as externally managed (PEP 668): pip refuses to install into the system site without
--break-system-packages, but not with --target/--prefix or in a venv (`python3 -m venv --system-site-packages`).
For a system-wide install without pip, use CMake: `cmake --install <build> --component python` puts the package in
<prefix>/lib/python3.X/dist-packages (prefix /usr/local, on Debian python's path) or /usr/lib/python3/dist-packages
(prefix /usr). The module links the shared abseil, ANTLR runtime (libantlr4-runtime4.9) and libcrypto of the build
machine: the wheel is for Debian 12 (or the same libraries), not a manylinux wheel.

The extension is built by configuring the repository root (the parent of this directory) with the tests and
benchmarks off, and building the target rlsq_python; the module is then copied into the wheel beside the pure-Python
files of rlsq/. Environment:

    RLSQ_SOURCE_DIR    the repository root (default: the parent of this file's directory)
    RLSQ_BUILD_DIR     the CMake build directory (default: under setuptools' build_temp); an existing configured
                       build directory may be given to reuse it
    RLSQ_CMAKE_ARGS    extra arguments for the CMake configure step (split on whitespace)
    CMAKE_BUILD_PARALLEL_LEVEL   parallel build jobs (default: the number of CPUs)
"""

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("RLSQ_SOURCE_DIR", HERE.parent)).resolve()


def project_version():
    """The version of project(rlsq VERSION x.y.z) in the top-level CMakeLists.txt."""
    text = (SOURCE_DIR / "CMakeLists.txt").read_text()
    m = re.search(r"project\(\s*rlsq\s+VERSION\s+([0-9][0-9.]*)", text)
    if not m:
        raise RuntimeError("no project(rlsq VERSION ...) in %s/CMakeLists.txt" % SOURCE_DIR)
    return m.group(1)


class CMakeExtension(Extension):
    """An extension built by CMake (no sources of its own for setuptools)."""

    def __init__(self, name, target):
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    """Configures and builds the CMake project, then copies the module where setuptools expects it."""

    def build_extension(self, ext):
        if not (SOURCE_DIR / "CMakeLists.txt").exists():
            raise RuntimeError("the rlsq sources are not at %s (set RLSQ_SOURCE_DIR)" % SOURCE_DIR)
        build_dir = Path(os.environ.get("RLSQ_BUILD_DIR", Path(self.build_temp).resolve() / "cmake")).resolve()
        build_dir.mkdir(parents=True, exist_ok=True)
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("cmake is required to build rlsq")
        if not (build_dir / "CMakeCache.txt").exists():
            args = [
                cmake, "-S", str(SOURCE_DIR), "-B", str(build_dir),
                "-DCMAKE_BUILD_TYPE=Release",
                "-DRLSQ_BUILD_TESTS=OFF",
                "-DRLSQ_BUILD_BENCH=OFF",
                "-DRLSQ_BUILD_CAPI=OFF",
                "-DRLSQ_BUILD_PYTHON=ON",
                "-DRLSQ_PYTHON_EXECUTABLE=" + sys.executable,
            ]
            if shutil.which("ninja"):
                args += ["-G", "Ninja"]
            args += os.environ.get("RLSQ_CMAKE_ARGS", "").split()
            self.announce("configuring: " + " ".join(args), level=2)
            subprocess.run(args, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run([cmake, "--build", str(build_dir), "--target", ext.target, "--parallel", jobs], check=True)

        built = sorted(glob.glob(str(build_dir / "python" / "rlsq" / "_rlsq*.so")))
        if not built:
            raise RuntimeError("the build produced no %s/python/rlsq/_rlsq*.so" % build_dir)
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        # The suffix setuptools wants (this interpreter's) is the one CMake was told to build for.
        shutil.copyfile(max(built, key=os.path.getmtime), dest)


setup(
    name="rlsq",
    version=project_version(),
    description="Row-level security by SQL rewriting: Superset-style RLS filters injected into queries",
    long_description=__doc__,
    long_description_content_type="text/plain",
    python_requires=">=3.9",
    packages=["rlsq"],
    package_dir={"rlsq": "rlsq"},
    package_data={"rlsq": ["py.typed", "*.pyi"]},
    ext_modules=[CMakeExtension("rlsq._rlsq", target="rlsq_python")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
