# common: code every userspace esol program links (logging).
COMMON_OBJS := $(B)/userspace/common/log.o
