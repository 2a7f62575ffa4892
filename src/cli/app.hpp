#pragma once
namespace postsched::cli {
// Runs the command line; returns the process exit code.
int main(int argc, char** argv);
}  // namespace postsched::cli
