//! Cargo build script: `broadside init` embeds the default theme and the
//! example story, so the binary must be rebuilt when they change.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=src/scaffold");
}
