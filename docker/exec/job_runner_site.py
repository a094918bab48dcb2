# Seeds matplotlib's per-run config dir (on the sandbox's tmpfs) with the font cache and the
# matplotlibrc built into the image, so the first plot does not spend seconds rescanning every
# font and text in Chinese, Japanese or Korean renders. Loaded at every interpreter start by
# job-runner.pth (a sitecustomize.py in dist-packages would be shadowed by Debian's own).
#
# Lazily: only a program that imports matplotlib pays for the copy (and finds the directory in
# /tmp); `print(1)` starts as fast as a bare interpreter and leaves /tmp empty.
import sys as _sys


class _SeedMatplotlibConfig:
    """A meta-path finder that finds nothing: it seeds the config dir on the first import of
    matplotlib, then steps aside so the normal finders load the package."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name == "matplotlib":
            try:
                _sys.meta_path.remove(cls)
            except ValueError:
                pass
            _seed()
        return None


def _seed():
    import os

    target = os.environ.get("MPLCONFIGDIR")
    if target and not os.path.isdir(target) and os.path.isdir("/opt/matplotlib"):
        try:
            import shutil

            shutil.copytree("/opt/matplotlib", target)
        except OSError:
            pass


_sys.meta_path.insert(0, _SeedMatplotlibConfig)
