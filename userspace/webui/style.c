// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* style: userspace/webui/style.css, built into the program (see rules.mk). */
#include "webui/app.h"

const char webui_style_css[] = {
#include "style.css.inc"
	0
};
