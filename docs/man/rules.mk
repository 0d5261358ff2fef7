# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# man: the manual pages.  Each docs/man/NAME.SECTION.scd (scdoc source)
# becomes $(B)/man/NAME.SECTION (roff), with @ESOL_VERSION@ replaced by
# $(ESOL_VERSION), and after .TH (which turns hyphenation back on)
# hyphenation off and, under groff, no line break after a '-': an option
# like --supplies-interval or a key like schedule.poll_time must never be
# split at a line end, since administrators copy them from the page.  The page's date is
# that of the last commit that changed its source (reproducible), or
# today outside a git checkout.
#
#   make man        build every page
#   make check-man  render each with man -l (any warning fails), check
#                   that every option, command, key and function of the
#                   code is in its page; build/results/man gets "P F"
#
# MAN_PAGES lists the built pages, for the install rules
# (install -m 0644 $(B)/man/NAME.SECTION $(MANDIR)/manSECTION/).

ESOL_VERSION ?= $(shell cat VERSION 2>/dev/null || echo 0.1.0)
SCDOC ?= scdoc

MAN_SRCS := $(sort $(wildcard docs/man/*.scd))
MAN_PAGES := $(patsubst docs/man/%.scd,$(B)/man/%,$(MAN_SRCS))
# Rewritten only when ESOL_VERSION changes, so that a new version (and
# only that) rebuilds every page.
MAN_VERSION_STAMP := $(B)/man/.version

# The programs whose --help check-man compares with their pages.
MAN_CHECK_BINS := $(B)/bin/esold $(B)/bin/esolctl $(B)/bin/printeng-stat \
		  $(B)/bin/esol-server

.PHONY: man check-man man-force
man: $(MAN_PAGES)

$(MAN_VERSION_STAMP): man-force
	@mkdir -p $(dir $@)
	@echo '$(ESOL_VERSION)' | cmp -s - $@ || echo '$(ESOL_VERSION)' > $@

$(B)/man/%: docs/man/%.scd $(MAN_VERSION_STAMP) docs/man/rules.mk
	@mkdir -p $(dir $@)
	epoch=$$(git log -1 --format=%ct -- $< 2>/dev/null); \
	sed 's|@ESOL_VERSION@|$(ESOL_VERSION)|g' $< > $@.scd && \
	$${epoch:+env SOURCE_DATE_EPOCH=$$epoch} $(SCDOC) < $@.scd > $@.roff && \
	sed -e '/^\.TH /a .nh' -e '/^\.TH /a .if \\n(.g .cflags 0 -' \
		$@.roff > $@.tmp && mv $@.tmp $@; \
	r=$$?; rm -f $@.scd $@.roff $@.tmp; exit $$r

check-man: $(MAN_PAGES) $(MAN_CHECK_BINS) $(B)/libprinteng.a \
		$(B)/libesolcore.a $(COMMON_OBJS)
	CC='$(CC)' PKG_CONFIG='$(PKG_CONFIG)' CORE_LDLIBS='$(CORE_LDLIBS)' \
		docs/man/check-man.sh $(B)/man $(B)
