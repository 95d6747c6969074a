//! Small ordering helpers: a radix sort, a heap, a selection and a float
//! clamp, each a few hundred bytes of wasm per element type.
//!
//! Why not `slice::sort_by` and friends: every call site with its own
//! closure instantiates the standard library's sort (driftsort/ipnsort with
//! their sorting networks), 4-8 KB of wasm each; eleven of them were a fifth
//! of the widget's wasm. Here every call site with the same element type
//! shares one instantiation, so callers sort by [`radix_order`] of a `u64`
//! key and select among `f32` (exact for bytes and pixel columns) or `f64`;
//! the results are fully determined by the ordering given (callers make it
//! total, so ties cannot depend on the algorithm).

use crate::prelude::*;

/// Visits the items of `v` in the order `less` sorts them, until `visit`
/// returns false: a heap, so only the items visited are put in order
/// (O(n + k log n) for k of them). `v` is left in some other order.
///
/// `less` must be a strict total order for the order to be unique; callers
/// break ties explicitly.
pub(crate) fn visit_sorted<T: Copy>(
    v: &mut [T],
    less: fn(&T, &T) -> bool,
    mut visit: impl FnMut(&T) -> bool,
) {
    let n = v.len();
    // A heap with the first item (by `less`) on top.
    for start in (0..n / 2).rev() {
        sift_down(v, start, n, less);
    }
    for end in (1..=n).rev() {
        if !visit(&v[0]) {
            return;
        }
        v.swap(0, end - 1);
        sift_down(v, 0, end - 1, less);
    }
}

/// Restores the heap below `root` (within `v[..end]`), the first item by
/// `less` on top.
fn sift_down<T: Copy>(v: &mut [T], mut root: usize, end: usize, less: fn(&T, &T) -> bool) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && less(&v[child + 1], &v[child]) {
            child += 1;
        }
        if !less(&v[child], &v[root]) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

/// The permutation that sorts `keys` ascending (stable): an LSD radix sort,
/// a byte per pass, skipping bytes every key shares. Linear time, for the
/// tens of thousands of dots a pattern holds (a heapsort there cost more
/// than a tenth of sampling).
pub(crate) fn radix_order(keys: &[u64]) -> Vec<u32> {
    let mut order = vec![0u32; keys.len()];
    for (i, o) in order.iter_mut().enumerate() {
        *o = i as u32;
    }
    let mut next = vec![0u32; keys.len()];
    for shift in (0..64).step_by(8) {
        let byte = |i: u32| ((keys[i as usize] >> shift) & 0xff) as usize;
        let mut count = [0usize; 257];
        for &i in &order {
            count[byte(i) + 1] += 1;
        }
        if count.contains(&keys.len()) {
            continue; // every key has the same byte here
        }
        for b in 1..257 {
            count[b] += count[b - 1];
        }
        for &i in &order {
            let b = byte(i);
            next[count[b]] = i;
            count[b] += 1;
        }
        core::mem::swap(&mut order, &mut next);
    }
    order
}

/// Sorts `v` by `keys` (one per item, ascending; equal keys keep their
/// order), through [`radix_order`].
pub(crate) fn sort_by_keys<T: Copy>(v: &mut [T], keys: &[u64]) {
    let unsorted = v.to_vec();
    for (item, &i) in v.iter_mut().zip(&radix_order(keys)) {
        *item = unsorted[i as usize];
    }
}

/// The element that would sit at index `k` if `v` were sorted ascending
/// (by the total order of `f32::total_cmp`); reorders `v`. `v` must not be
/// empty and `k < v.len()`.
pub(crate) fn nth_f32(v: &mut [f32], k: usize) -> f32 {
    select(v, k, |a, b| a.total_cmp(b).is_lt())
}

/// [`nth_f32`] for `f64`, through [`radix_order`] rather than a second
/// selection's code: its callers pass a few hundred values at most.
pub(crate) fn nth_f64(v: &[f64], k: usize) -> f64 {
    let mut keys = vec![0u64; v.len()];
    for (key, x) in keys.iter_mut().zip(v) {
        // `total_cmp`'s order as unsigned: negatives (sign bit set) with
        // all bits flipped, others with the sign bit set.
        let b = x.to_bits();
        *key = b ^ ((b as i64 >> 63) as u64 | 1 << 63);
    }
    v[radix_order(&keys)[k] as usize]
}

/// Quickselect with a median-of-three pivot and Hoare partitioning, which
/// splits runs of equal values evenly (flat, clipped photo regions are full
/// of them); expected O(n).
fn select<T: Copy>(v: &mut [T], k: usize, less: fn(&T, &T) -> bool) -> T {
    assert!(k < v.len(), "select: index out of range");
    let (mut lo, mut hi) = (0, v.len() - 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        // Order v[lo] <= v[mid] <= v[hi]: the median becomes the pivot.
        if less(&v[mid], &v[lo]) {
            v.swap(mid, lo);
        }
        if less(&v[hi], &v[lo]) {
            v.swap(hi, lo);
        }
        if less(&v[hi], &v[mid]) {
            v.swap(hi, mid);
        }
        let pivot = v[mid];
        let (mut i, mut j) = (lo, hi);
        loop {
            while less(&v[i], &pivot) {
                i += 1;
            }
            while less(&pivot, &v[j]) {
                j -= 1;
            }
            if i >= j {
                break;
            }
            v.swap(i, j);
            i += 1;
            j -= 1;
        }
        // v[lo..=j] <= pivot <= v[j+1..=hi]
        if k <= j {
            hi = j;
        } else {
            lo = j + 1;
        }
    }
    v[k]
}

/// `x` limited to `lo..=hi`; exactly `f64::clamp` except that NaN gives
/// `lo`. Why not `f64::clamp`: its `lo <= hi` check formats both floats in
/// its panic message, which alone pulls ~20 KB of float printing into the
/// wasm.
pub(crate) fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x > hi {
        hi
    } else if x >= lo {
        x
    } else {
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of awkward inputs (runs, duplicates).
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 33) % 50) as f64 * 0.5 - 3.0
            })
            .collect()
    }

    #[test]
    fn radix_order_sorts_stably() {
        let keys: Vec<u64> = values(1000, 7)
            .iter()
            .map(|v| ((v + 10.0) * 1e6) as u64 * 0x1_0000_0001)
            .collect();
        let mut want: Vec<u32> = (0..keys.len() as u32).collect();
        want.sort_by_key(|&i| keys[i as usize]); // stable
        assert_eq!(radix_order(&keys), want);
        assert_eq!(radix_order(&[]), Vec::<u32>::new());
        assert_eq!(radix_order(&[5, 5, 5]), vec![0, 1, 2]);
    }

    #[test]
    fn sorts_and_selects_like_the_standard_library() {
        for n in [1, 2, 3, 7, 64, 1000] {
            let v = values(n, n as u64);
            let mut want = v.clone();
            want.sort_by(|a, b| a.total_cmp(b));
            // The first k in order, from a heap: the sort's prefix.
            for k in [0, 1, n / 2, n] {
                let mut seen = Vec::new();
                let mut w = v.clone();
                visit_sorted(
                    &mut w,
                    |a, b| a.total_cmp(b).is_lt(),
                    |&x| {
                        seen.push(x);
                        seen.len() < k.max(1)
                    },
                );
                assert_eq!(seen, want[..k.max(1)], "n {n} k {k}");
            }
            for k in [0, n / 3, n / 2, n - 1] {
                assert_eq!(nth_f64(&v, k), want[k], "n {n} k {k}");
            }
        }
        let mut all_equal = vec![3f32; 501];
        assert_eq!(nth_f32(&mut all_equal, 250), 3.0);
        assert_eq!(clamp(-0.5, 0.0, 1.0), 0.0);
        assert_eq!(clamp(1.5, 0.0, 1.0), 1.0);
        assert_eq!(clamp(0.25, 0.0, 1.0), 0.25);
        assert_eq!(clamp(f64::NAN, 0.0, 1.0), 0.0);
        let mut f = vec![2.5f32, -1.0, 0.0, -0.0, 9.0];
        assert_eq!(nth_f32(&mut f, 2), 0.0);
    }
}
