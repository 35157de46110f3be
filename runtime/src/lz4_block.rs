//! LZ4 block compression that writes the bytes the reference LZ4 library writes (as the
//! official SLS SDK's `lz4.block.compress` calls it: the default level, acceleration 1), so
//! that a compressed body, and the `Content-MD5` signed over it, are the official SDK's byte
//! for byte. `lz4_flex` writes valid blocks too, but its match finder is its own: over a
//! sample of log groups and text its output differed from the reference's in 11 of 16 inputs,
//! which a decoder accepts and a signature comparison does not. Decoding is not needed here;
//! the tests and the test server decode with `lz4_flex`.
//!
//! The parse is the reference's greedy one on a 64-bit machine: a table of 4096 positions keyed
//! by a hash of the next five bytes (every slot starts at position 0), a search that steps
//! further the longer it finds nothing, a match extended backwards over the pending literals,
//! matches of at least 4 bytes within 65535 bytes, and the block's last 5 bytes (and any match
//! starting in its last 12) left as literals.

const MIN_MATCH: usize = 4;
/// No match starts in the last `MATCH_FIND_LIMIT` bytes of a block.
const MATCH_FIND_LIMIT: usize = 12;
/// The last bytes of a block are literals.
const LAST_LITERALS: usize = 5;
/// After `1 << SKIP_TRIGGER` failed probes the search steps by 2, then 3, …
const SKIP_TRIGGER: u32 = 6;
const HASH_LOG: u32 = 12;
const MAX_DISTANCE: usize = 65_535;
/// A token's 4-bit length that says more length bytes follow.
const LENGTH_MASK: usize = 15;

/// `input` as one LZ4 block, without a size prefix.
pub(crate) fn compress(input: &[u8]) -> Vec<u8> {
    let end = input.len();
    let mut out = Vec::with_capacity(end + end / 255 + 16);
    let mut anchor = 0;
    if end > MATCH_FIND_LIMIT {
        let match_limit = end - LAST_LITERALS;
        let search_limit = end - MATCH_FIND_LIMIT + 1;
        let mut table = vec![0u32; 1 << HASH_LOG];
        table[hash(input, 0)] = 0;
        let mut ip = 1;
        let mut next_hash = hash(input, ip);
        'sequences: loop {
            let mut candidate;
            let mut probe = ip;
            let mut step = 1;
            let mut misses = 1u32 << SKIP_TRIGGER;
            loop {
                let slot = next_hash;
                ip = probe;
                probe += step;
                step = (misses >> SKIP_TRIGGER) as usize;
                misses += 1;
                if probe > search_limit {
                    break 'sequences;
                }
                candidate = table[slot] as usize;
                next_hash = hash(input, probe);
                table[slot] = position(ip);
                if candidate + MAX_DISTANCE >= ip && word(input, candidate) == word(input, ip) {
                    break;
                }
            }
            while ip > anchor && candidate > 0 && input[ip - 1] == input[candidate - 1] {
                ip -= 1;
                candidate -= 1;
            }
            let mut token = out.len();
            push_token_and_length(&mut out, ip - anchor);
            out.extend_from_slice(&input[anchor..ip]);
            // Each match, and the matches that follow it at once.
            loop {
                let offset = u16::try_from(ip - candidate).expect("matches are within 65535");
                out.extend_from_slice(&offset.to_le_bytes());
                let mut extra = 0;
                while ip + MIN_MATCH + extra < match_limit
                    && input[ip + MIN_MATCH + extra] == input[candidate + MIN_MATCH + extra]
                {
                    extra += 1;
                }
                ip += MIN_MATCH + extra;
                out[token] |= length_nibble(extra);
                if extra >= LENGTH_MASK {
                    push_length_bytes(&mut out, extra - LENGTH_MASK);
                }
                anchor = ip;
                if ip >= search_limit {
                    break 'sequences;
                }
                table[hash(input, ip - 2)] = position(ip - 2);
                let slot = hash(input, ip);
                candidate = table[slot] as usize;
                table[slot] = position(ip);
                if candidate + MAX_DISTANCE < ip || word(input, candidate) != word(input, ip) {
                    break;
                }
                token = out.len();
                out.push(0);
            }
            ip += 1;
            next_hash = hash(input, ip);
        }
    }
    push_token_and_length(&mut out, end - anchor);
    out.extend_from_slice(&input[anchor..]);
    out
}

/// The hash of the five bytes at `at` (read as the little-endian word of eight).
fn hash(input: &[u8], at: usize) -> usize {
    let bytes: [u8; 8] = input[at..at + 8].try_into().expect("eight bytes");
    let shifted = u64::from_le_bytes(bytes) << 24;
    (shifted.wrapping_mul(889_523_592_379) >> (64 - HASH_LOG)) as usize
}

fn word(input: &[u8], at: usize) -> [u8; 4] {
    input[at..at + 4].try_into().expect("four bytes")
}

/// A position in the table: blocks are far smaller than 4 GiB (SLS takes 10 MB).
fn position(at: usize) -> u32 {
    u32::try_from(at).expect("a block under 4 GiB")
}

/// The length as a token's 4 bits: 15 when more bytes follow.
fn length_nibble(length: usize) -> u8 {
    length.min(LENGTH_MASK) as u8
}

/// A token for a sequence of `literals` literals (its match length added later), and the
/// bytes of a literal length of 15 or more.
fn push_token_and_length(out: &mut Vec<u8>, literals: usize) {
    out.push(length_nibble(literals) << 4);
    if literals >= LENGTH_MASK {
        push_length_bytes(out, literals - LENGTH_MASK);
    }
}

/// The rest of a length: 255 while more follows, then the remainder.
fn push_length_bytes(out: &mut Vec<u8>, mut rest: usize) {
    while rest >= 255 {
        out.push(255);
        rest -= 255;
    }
    out.push(rest as u8);
}

#[cfg(test)]
mod tests {
    use sha2::{Digest as _, Sha256};

    use super::compress;

    /// `size` bytes of `words` picked by xorshift64 from `seed`: the recipe of the recorded
    /// blocks (`tests/fixtures/official/sls/record.py`).
    fn recipe_input(words: &[String], seed: u64, size: usize) -> Vec<u8> {
        let mut x = seed;
        let mut out = Vec::with_capacity(size + 16);
        while out.len() < size {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pick = usize::try_from(x % words.len() as u64).expect("a small index");
            out.extend_from_slice(words[pick].as_bytes());
        }
        out.truncate(size);
        out
    }

    #[test]
    fn blocks_are_the_official_compressor_s_byte_for_byte_and_decode_to_their_input() {
        let file: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/official/sls/vectors.json"
        ))
        .expect("the fixture parses");
        let words: Vec<String> = serde_json::from_value(file["lz4_words"].clone()).unwrap();
        let blocks = file["lz4_blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), 10);
        for block in blocks {
            let seed = block["seed"].as_u64().unwrap();
            let size = usize::try_from(block["size"].as_u64().unwrap()).unwrap();
            let input = recipe_input(&words, seed, size);
            let output = compress(&input);
            let digest: String = Sha256::digest(&output)
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            assert_eq!(
                (output.len() as u64, digest.as_str()),
                (
                    block["output_len"].as_u64().unwrap(),
                    block["output_sha256"].as_str().unwrap()
                ),
                "seed {seed}, {size} bytes"
            );
            assert_eq!(lz4_flex::block::decompress(&output, size).unwrap(), input);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_input_round_trips_through_an_independent_decoder(
            input in proptest::collection::vec(proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::sample::select(vec![b'a', b'b', 0]),
            ], 0..3000)
        ) {
            let output = compress(&input);
            proptest::prop_assert_eq!(lz4_flex::block::decompress(&output, input.len()).unwrap(), input);
        }
    }
}
