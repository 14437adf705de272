#ifndef SORTIE_CLIBEDIT_SHIM_H
#define SORTIE_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>
#endif
