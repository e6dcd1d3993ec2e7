//! String interning: machine ids, process ids, IPs and names repeat on every row, so each
//! distinct text is stored once and rows hold a 4-byte [`Sym`].

use rustc_hash::FxBuildHasher;

/// An interned string. `Sym::EMPTY` is the empty string, which also stands for null.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(pub u32);

impl Sym {
    pub const EMPTY: Sym = Sym(0);

    pub fn is_empty(self) -> bool {
        self == Sym::EMPTY
    }
}

/// Distinct strings, looked up by their bytes.
#[derive(Clone, Debug)]
pub struct Interner {
    /// All texts back to back; `ends[i]` is where text `i` ends.
    text: String,
    ends: Vec<u32>,
    table: hashbrown::HashTable<u32>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner { text: String::new(), ends: Vec::new(), table: hashbrown::HashTable::new() };
        interner.intern("");
        interner
    }
}

impl Interner {
    fn hash(bytes: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        FxBuildHasher.hash_one(bytes)
    }

    /// Where text `i` lies in the texts; `None` for a symbol this interner did not give.
    fn range(ends: &[u32], i: u32) -> Option<std::ops::Range<usize>> {
        let i = i as usize;
        let end = *ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        Some(start..end)
    }

    fn text_of<'a>(text: &'a str, ends: &[u32], i: u32) -> &'a [u8] {
        Self::range(ends, i).and_then(|r| text.as_bytes().get(r)).unwrap_or_default()
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        // A &str is UTF-8 already.
        self.intern_bytes(s.as_bytes()).unwrap_or_default()
    }

    /// The symbol of a text given as bytes; `None` when they are not UTF-8. Bytes already
    /// interned are not checked again: a repeat costs a hash and a comparison.
    pub fn intern_bytes(&mut self, bytes: &[u8]) -> Option<Sym> {
        let hash = Self::hash(bytes);
        let Self { text, ends, table } = self;
        if let Some(&found) = table.find(hash, |&i| Self::text_of(text, ends, i) == bytes) {
            return Some(Sym(found));
        }
        let s = std::str::from_utf8(bytes).ok()?;
        let id = ends.len() as u32;
        text.push_str(s);
        ends.push(text.len() as u32);
        let (text, ends) = (&*text, &*ends);
        table.insert_unique(hash, id, |&i| Self::hash(Self::text_of(text, ends, i)));
        Some(Sym(id))
    }

    /// Interns every text of `other` in its order and returns the symbol each got here
    /// (`result[i]` for `other`'s `Sym(i)`). Interning a file's chunks' texts chunk by chunk
    /// in file order numbers them as interning the whole file at once would have.
    pub fn absorb(&mut self, other: &Interner) -> Vec<Sym> {
        (0..other.len() as u32).map(|i| self.intern(other.resolve(Sym(i)))).collect()
    }

    /// The symbol of a text already interned, without adding it.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        let hash = Self::hash(s.as_bytes());
        self.table.find(hash, |&i| self.resolve(Sym(i)) == s).map(|&i| Sym(i))
    }

    /// The bytes of a symbol's text: [`Interner::resolve`] without the character-boundary
    /// checks of slicing a `str`, for the loader's comparisons.
    pub fn resolve_bytes(&self, sym: Sym) -> &[u8] {
        Self::text_of(&self.text, &self.ends, sym.0)
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        Self::range(&self.ends, sym.0).and_then(|r| self.text.get(r)).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_same_symbol() {
        let mut interner = Interner::default();
        let a = interner.intern("m-1");
        let b = interner.intern("10.0.0.1");
        assert_eq!(interner.intern("m-1"), a);
        assert_ne!(a, b);
        assert_eq!(interner.resolve(b), "10.0.0.1");
        assert_eq!(interner.intern(""), Sym::EMPTY);
        assert_eq!(interner.lookup("10.0.0.1"), Some(b));
        assert_eq!(interner.lookup("nope"), None);
    }
}
