/* SPDX-License-Identifier: MIT */
#pragma once

#ifndef GA_VERSION
#define GA_VERSION "0.1.0"
#endif
