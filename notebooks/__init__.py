"""The section notebooks. Shipped inside the package as `fuchan_lib.notebooks` (see
pyproject.toml), so `fuchan run` finds them in any install; this folder is the only copy."""
