# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# common: code every userspace esol program links (logging).
COMMON_OBJS := $(B)/userspace/common/log.o
