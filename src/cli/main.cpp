// rpdata: rebuild RedPajama-Data-1T from the raw public dumps (the command line: app.cpp).
#include "rpdata/cli/app.h"

int main(int argc, char** argv) { return rpdata::cli::run(argc, argv); }
