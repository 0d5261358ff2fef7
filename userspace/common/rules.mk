# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# common: code every userspace esol program links (logging, escaping outside text).
COMMON_OBJS := $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
