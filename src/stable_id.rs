//! Stable ids and keys (`order:O-1:7:0`, `O-1@7:reserve`, `O-1#9:0`) built by appending their
//! parts.
//!
//! A command makes a dozen of them (outbox message ids, stock command keys); through `format!`
//! each cost about a thousand instructions, most of it the formatting machinery and regrowing
//! the string, several percent of an order's whole flow. Appending to a string sized up front
//! gives the same text for a fraction of that.

/// Text built from parts, sized once.
pub(crate) struct IdText(String);

impl IdText {
    /// Room for `capacity` bytes (parts plus a few numbers: a small over-estimate is fine).
    pub fn with_capacity(capacity: usize) -> IdText {
        IdText(String::with_capacity(capacity))
    }

    /// Appends text.
    pub fn text(mut self, part: &str) -> IdText {
        self.0.push_str(part);
        self
    }

    /// Appends a number in decimal, as `{}` would.
    pub fn number(mut self, n: u64) -> IdText {
        push_number(&mut self.0, n);
        self
    }

    /// The text so far followed by `n`: the ids of a cause's messages share everything but
    /// their number.
    pub fn numbered(&self, n: usize) -> String {
        let mut id = String::with_capacity(self.0.len() + 4);
        id.push_str(&self.0);
        push_number(&mut id, n as u64);
        id
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The finished text.
    pub fn finish(self) -> String {
        self.0
    }
}

/// Appends `n` in decimal to `out`.
pub(crate) fn push_number(out: &mut String, mut n: u64) {
    // u64::MAX has 20 digits; they are produced last digit first.
    let mut digits = [0u8; 20];
    let mut len = 0;
    for slot in digits.iter_mut() {
        *slot = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in digits.iter().take(len).rev() {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_display_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, 1_000_000_007, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
            let mut out = String::from("x");
            push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn parts_are_appended_in_order() {
        let id = IdText::with_capacity(4).text("order:").text("O-1").text(":").number(7).text(":").number(0);
        assert_eq!(id.as_str(), "order:O-1:7:0");
        assert_eq!(id.numbered(12), "order:O-1:7:012");
        assert_eq!(id.finish(), "order:O-1:7:0");
    }
}
