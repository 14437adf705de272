#!/bin/sh
# The VNC stack of a session pod: Xvfb (the X server), x11vnc (RFB on VNC_PORT) and websockify
# (WebSocket on WEBSOCKIFY_PORT, for noVNC). The sidecar image's entrypoint, and what the
# end-to-end tests run locally with other ports.
#
# Environment (defaults in brackets):
#   DISPLAY [:99]            the X display Xvfb serves (the app container uses the same)
#   SCREEN [1024x768x24]     WIDTHxHEIGHTxDEPTH of the virtual screen
#   VNC_PORT [5900]          x11vnc's RFB port
#   VNC_LISTEN [0.0.0.0]     the address x11vnc binds (127.0.0.1 = loopback only)
#   WEBSOCKIFY_PORT [6080]   websockify's port; 0 = no websockify
#   WEBSOCKIFY_LISTEN [0.0.0.0]  the address websockify binds
#   X11_UNIX_DIR [/tmp/.X11-unix]  where X sockets are; only used to wait for Xvfb's socket
#
# Supervision: exits non-zero as soon as one of the three dies (the pod then fails or restarts
# the sidecar); on TERM/INT it stops all three and exits 0.
set -u

DISPLAY="${DISPLAY:-:99}"
SCREEN="${SCREEN:-1024x768x24}"
VNC_PORT="${VNC_PORT:-5900}"
VNC_LISTEN="${VNC_LISTEN:-0.0.0.0}"
WEBSOCKIFY_PORT="${WEBSOCKIFY_PORT:-6080}"
WEBSOCKIFY_LISTEN="${WEBSOCKIFY_LISTEN:-0.0.0.0}"
X11_UNIX_DIR="${X11_UNIX_DIR:-/tmp/.X11-unix}"
export DISPLAY

log() { echo "start.sh: $*" >&2; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

XVFB_PID=""
VNC_PID=""
WS_PID=""

# TERM to each child, then KILL whatever is still there after 5 s (an X server that hangs on
# shutdown must not keep the pod in Terminating for its whole grace period).
stop_all() {
    for pid in $WS_PID $VNC_PID $XVFB_PID; do
        kill -TERM "$pid" 2>/dev/null
    done
    i=0
    while [ "$i" -lt 50 ]; do
        running=""
        for pid in $WS_PID $VNC_PID $XVFB_PID; do
            alive "$pid" && running="$running $pid"
        done
        [ -z "$running" ] && break
        sleep 0.1
        i=$((i + 1))
    done
    for pid in $running; do
        log "process $pid ignored TERM; killing it"
        kill -KILL "$pid" 2>/dev/null
    done
    for pid in $WS_PID $VNC_PID $XVFB_PID; do
        wait "$pid" 2>/dev/null
    done
}

on_term() {
    log "stopping"
    trap - TERM INT
    stop_all
    exit 0
}
trap on_term TERM INT

# 1. The X server.
display_number="${DISPLAY#:}"
display_number="${display_number%%.*}"
Xvfb "$DISPLAY" -screen 0 "$SCREEN" -nolisten tcp -ac >&2 &
XVFB_PID=$!
i=0
while [ ! -S "$X11_UNIX_DIR/X$display_number" ]; do
    if ! alive "$XVFB_PID"; then log "Xvfb exited during start-up"; exit 1; fi
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then log "Xvfb did not create $X11_UNIX_DIR/X$display_number within 10 s"; stop_all; exit 1; fi
    sleep 0.1
done
log "Xvfb ready on $DISPLAY ($SCREEN)"

# 2. The VNC server, without a password: the port is only reachable through the pod network
#    policy / the API server's port-forward.
vnc_bind=""
[ "$VNC_LISTEN" = "0.0.0.0" ] || vnc_bind="-listen $VNC_LISTEN"
# shellcheck disable=SC2086  # $vnc_bind is two words on purpose
x11vnc -display "$DISPLAY" -rfbport "$VNC_PORT" $vnc_bind -forever -shared -nopw -noxdamage -quiet >&2 &
VNC_PID=$!

# 3. websockify for browsers (noVNC).
if [ "$WEBSOCKIFY_PORT" != "0" ]; then
    websockify "$WEBSOCKIFY_LISTEN:$WEBSOCKIFY_PORT" "127.0.0.1:$VNC_PORT" >&2 &
    WS_PID=$!
fi
log "x11vnc on $VNC_LISTEN:$VNC_PORT, websockify on $WEBSOCKIFY_LISTEN:$WEBSOCKIFY_PORT"

# Supervise: POSIX sh has no 'wait -n', so check every half second.
while :; do
    for pid in $XVFB_PID $VNC_PID $WS_PID; do
        if ! alive "$pid"; then
            wait "$pid" 2>/dev/null
            status=$?
            log "process $pid exited (status $status); stopping the others"
            trap - TERM INT
            stop_all
            [ "$status" -eq 0 ] && status=1
            exit "$status"
        fi
    done
    sleep 0.5 &
    wait $! 2>/dev/null
done
