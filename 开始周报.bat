@echo off
rem Double-click: the first time it makes .venv and installs fuchan with JupyterLab, then it
rem runs `fuchan lab`. Lines before chcp stay ASCII; the file is UTF-8 without BOM, CRLF.
rem Without arguments `fuchan lab` opens the county's own params in params\ (a numbered choice
rem when there are several); the example only when there is none (see run/choose_params.py).
chcp 65001 >nul
setlocal
cd /d "%~dp0"
title 复工复产周报 - JupyterLab
if exist ".venv\Scripts\fuchan.exe" goto :start

set PY=
py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && set "PY=py -3"
if not defined PY (python -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && set "PY=python")
if not defined PY goto :nopython
echo 第一次使用：正在建立 Python 环境（.venv）并安装，需要联网，约需几分钟……
%PY% -m venv .venv
if errorlevel 1 goto :failed
".venv\Scripts\python" -m pip install -e ".[lab]"
if errorlevel 1 goto :failed

:start
".venv\Scripts\fuchan" lab %*
echo.
echo JupyterLab 已关闭。按任意键关闭本窗口。
pause >nul
exit /b 0

:nopython
echo 没有找到 Python 3.11 或更新的版本。
echo 请先安装 Python（安装时勾选“Add python.exe to PATH”），再双击本文件。
pause
exit /b 1

:failed
echo 安装没有成功，请查看上面的提示（常见原因：没有联网）。处理后再双击本文件即可。
pause
exit /b 1
