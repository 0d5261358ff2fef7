# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# tests/server: esol-server with PostgreSQL, nginx and several instances,
# under small fleets with faults (make check-server).
.PHONY: check-server
check-server:
	$(MAKE) SAN=0 build/bin/esol-server build/bin/esol-fleet build/tests/unit/test_server_ledger
	tests/server/run.sh
