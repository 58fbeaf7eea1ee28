# ~/.profile of root, read by busybox's login shell after /etc/profile.
# Anything written here lasts until power-off: agora's file system lives in
# memory.
