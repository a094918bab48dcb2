# Seeds matplotlib's per-run config dir (on the sandbox's tmpfs) with the font cache built into
# the image, so the first plot does not spend seconds rescanning every font.
import os as _os

_target = _os.environ.get("MPLCONFIGDIR")
if _target and not _os.path.isdir(_target) and _os.path.isdir("/opt/matplotlib"):
    try:
        import shutil as _shutil

        _shutil.copytree("/opt/matplotlib", _target)
    except OSError:
        pass
