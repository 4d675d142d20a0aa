"""The notebooks' kernel process: ipykernel's own launcher, without the debugger (DESIGN §7).

ipykernel imports debugpy at start (~0.1 s, on the way to the first notebook) to serve
JupyterLab's visual debugger. A kernel of `fuchan run` is never debugged, so debugpy is marked
absent before ipykernel looks for it; ipykernel then runs without a debugger, as it does where
debugpy is not installed. JupyterLab's kernels are started by JupyterLab and keep it.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():  # as ipykernel_launcher does
        del sys.path[0]
    sys.modules["debugpy"] = None

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
