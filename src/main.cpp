// CLI wiring only: builds the command tree and maps errors to exit codes.
#include "cli/app.hpp"

int main(int argc, char** argv) {
    return postsched::cli::main(argc, argv);
}
