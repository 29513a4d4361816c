//! Local proc-macro crate: sccache hands these back to rustc (crate-type proc-macro).
use proc_macro::TokenStream;

/// Derives `fn hello() -> &'static str` without syn/quote, so the lab stays offline.
#[proc_macro_derive(Hello)]
pub fn derive_hello(input: TokenStream) -> TokenStream {
    let text = input.to_string();
    let name = text
        .split_whitespace()
        .skip_while(|w| *w != "struct")
        .nth(1)
        .unwrap_or("Unknown")
        .trim_end_matches(';');
    format!("impl {name} {{ pub fn hello() -> &'static str {{ \"hello from {name}\" }} }}")
        .parse()
        .unwrap()
}
