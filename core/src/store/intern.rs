//! String interning: machine ids, process ids, IPs and names repeat on every row, so each
//! distinct text is stored once and rows hold a 4-byte [`Sym`].

use rustc_hash::FxBuildHasher;
use std::sync::Arc;

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
    /// The texts this interner extends ([`Interner::over`]): its symbols are this one's
    /// first `base`, and only texts it lacks are added here.
    frozen: Option<Arc<Interner>>,
    base: u32,
    /// This interner's own texts back to back; `ends[i]` is where text `base + i` ends.
    text: String,
    ends: Vec<u32>,
    table: hashbrown::HashTable<u32>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner::empty(None);
        interner.intern("");
        interner
    }
}

impl Interner {
    fn empty(frozen: Option<Arc<Interner>>) -> Interner {
        let base = frozen.as_ref().map_or(0, |f| f.len() as u32);
        Interner { frozen, base, text: String::new(), ends: Vec::new(), table: hashbrown::HashTable::new() }
    }

    /// An interner that starts with the texts of `frozen` under their symbols, shared rather
    /// than copied: the chunks of a file, parsed on threads, each look the texts the file
    /// has met so far up there, so the machines and processes repeated in every chunk are
    /// not interned again chunk after chunk, nor again when the chunks are joined.
    pub fn over(frozen: Arc<Interner>) -> Interner {
        // Frozen texts are looked up one level deep: an interner over another is copied flat.
        let frozen = match frozen.frozen {
            None => frozen,
            Some(_) => {
                let mut flat = Interner::default();
                (1..frozen.len() as u32).for_each(|i| _ = flat.intern(frozen.resolve(Sym(i))));
                Arc::new(flat)
            }
        };
        Interner::empty(Some(frozen))
    }

    fn hash(bytes: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        FxBuildHasher.hash_one(bytes)
    }

    /// Where own text `i` lies in the texts; `None` for a symbol this interner did not give.
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
        if let Some(found) = self.find_any(hash, bytes) {
            return Some(found);
        }
        let s = std::str::from_utf8(bytes).ok()?;
        let Self { text, ends, table, base, .. } = self;
        let id = ends.len() as u32;
        text.push_str(s);
        ends.push(text.len() as u32);
        let (text, ends) = (&*text, &*ends);
        table.insert_unique(hash, id, |&i| Self::hash(Self::text_of(text, ends, i)));
        Some(Sym(*base + id))
    }

    /// The symbol of a text interned here or in the frozen texts, by its hash.
    fn find_any(&self, hash: u64, bytes: &[u8]) -> Option<Sym> {
        self.frozen.as_deref().and_then(|f| f.find(hash, bytes)).or_else(|| self.find(hash, bytes))
    }

    /// The symbol of one of this interner's own texts, by its hash.
    fn find(&self, hash: u64, bytes: &[u8]) -> Option<Sym> {
        let found = self.table.find(hash, |&i| Self::text_of(&self.text, &self.ends, i) == bytes)?;
        Some(Sym(self.base + found))
    }

    /// Interns every text of `other` in its order and returns the symbol each got here.
    /// Interning a file's chunks' texts chunk by chunk in file order numbers them as
    /// interning the whole file at once would have. `other`'s frozen texts must be a
    /// snapshot of this interner's first ones (the chunk was parsed [`Interner::over`] them),
    /// so their symbols stay.
    pub fn absorb(&mut self, other: &Interner) -> Remap {
        debug_assert!(other.base as usize <= self.len());
        let own = (0..other.ends.len() as u32).map(|i| self.intern(other.own_text(i))).collect();
        Remap { base: other.base, own }
    }

    /// Own text `i` (symbol `base + i`).
    fn own_text(&self, i: u32) -> &str {
        Self::range(&self.ends, i).and_then(|r| self.text.get(r)).unwrap_or_default()
    }

    /// The symbol of a text already interned, without adding it.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.find_any(Self::hash(s.as_bytes()), s.as_bytes())
    }

    /// The interner that holds a symbol's text, and the text's index among its own.
    #[inline]
    fn holder(&self, sym: Sym) -> (&Interner, u32) {
        match &self.frozen {
            Some(frozen) if sym.0 < self.base => (frozen, sym.0),
            _ => (self, sym.0.wrapping_sub(self.base)),
        }
    }

    /// The bytes of a symbol's text: [`Interner::resolve`] without the character-boundary
    /// checks of slicing a `str`, for the loader's comparisons.
    #[inline]
    pub fn resolve_bytes(&self, sym: Sym) -> &[u8] {
        let (holder, i) = self.holder(sym);
        Self::text_of(&holder.text, &holder.ends, i)
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        let (holder, i) = self.holder(sym);
        holder.own_text(i)
    }

    pub fn len(&self) -> usize {
        self.base as usize + self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }
}

/// The symbols an interner's texts got in another ([`Interner::absorb`]).
#[derive(Debug)]
pub struct Remap {
    /// Symbols below this are the same on both sides.
    base: u32,
    /// The symbol of the other side's own text `i` (symbol `base + i` there).
    own: Vec<Sym>,
}

impl Remap {
    #[inline]
    pub fn get(&self, sym: Sym) -> Sym {
        match sym.0.checked_sub(self.base) {
            None => sym,
            Some(i) => self.own.get(i as usize).copied().unwrap_or_default(),
        }
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

    #[test]
    fn an_interner_over_a_snapshot_adds_only_new_texts_and_absorbs_back_in_order() {
        let mut file = Interner::default();
        let m1 = file.intern("m-1");
        let ip = file.intern("10.0.0.1");
        let mut chunk = Interner::over(Arc::new(file.clone()));
        // Known texts keep the file's symbols; new ones come after them, in order.
        assert_eq!(chunk.intern("10.0.0.1"), ip);
        assert_eq!(chunk.intern(""), Sym::EMPTY);
        let p7 = chunk.intern("p-7");
        let p8 = chunk.intern("p-8");
        assert_eq!((p7, p8), (Sym(3), Sym(4)));
        assert_eq!(chunk.intern("p-7"), p7);
        assert_eq!((chunk.resolve(m1), chunk.resolve(p8)), ("m-1", "p-8"));
        assert_eq!((chunk.lookup("m-1"), chunk.lookup("p-8"), chunk.lookup("x")), (Some(m1), Some(p8), None));
        assert_eq!(chunk.resolve_bytes(Sym(99)), b"");
        assert_eq!(chunk.len(), 5);

        // Meanwhile the file met p-8 (from an earlier chunk): the chunk's p-8 becomes the
        // file's, its p-7 is added after it, and frozen symbols stay as they are.
        let file_p8 = file.intern("p-8");
        let remap = file.absorb(&chunk);
        assert_eq!(remap.get(ip), ip);
        assert_eq!(remap.get(p8), file_p8);
        assert_eq!(file.resolve(remap.get(p7)), "p-7");
        assert_eq!(remap.get(p7), Sym(4));
        assert_eq!(remap.get(Sym(99)), Sym::EMPTY);

        // An interner over one that is itself over another sees all of their texts.
        let nested = Interner::over(Arc::new(chunk));
        assert_eq!((nested.lookup("m-1"), nested.lookup("p-7")), (Some(m1), Some(p7)));
        assert_eq!(nested.len(), 5);
    }
}
