//! Library crate reached through a path dependency: the part sccache can cache.

/// A tiny Fletcher-16 so the crate has some code to compile.
pub fn checksum(data: &[u8]) -> u16 {
    let (mut a, mut b) = (0u16, 0u16);
    for &byte in data {
        a = (a + byte as u16) % 255;
        b = (b + a) % 255;
    }
    (b << 8) | a
}
