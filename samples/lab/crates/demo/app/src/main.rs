//! Binary crate: not cacheable by sccache (crate-type bin), like most real apps.
use hello_macro::Hello;

#[derive(Hello)]
struct Greeter;

fn main() {
    println!("{} {}", Greeter::hello(), util::checksum(b"sccache"));
}
