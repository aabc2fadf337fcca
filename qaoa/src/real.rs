//! The floating-point type of a statevector's real and imaginary parts.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Mul, Neg, Sub};

use serde::{Deserialize, Serialize};

/// Precision of the statevector amplitudes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Two `f64` per amplitude (16 bytes). The default; accurate to ~1e-13.
    #[default]
    Complex128,
    /// Two `f32` per amplitude (8 bytes): half the memory and traffic, accurate to ~1e-5.
    Complex64,
}

impl Precision {
    /// Bytes per amplitude.
    pub fn bytes_per_amplitude(self) -> u64 {
        match self {
            Precision::Complex128 => 16,
            Precision::Complex64 => 8,
        }
    }

    /// `"complex128"` or `"complex64"`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Complex128 => "complex128",
            Precision::Complex64 => "complex64",
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "complex128" | "c128" | "double" => Ok(Precision::Complex128),
            "complex64" | "c64" | "single" => Ok(Precision::Complex64),
            _ => Err(format!("unknown precision `{s}` (complex128 or complex64)")),
        }
    }
}

/// `f32` or `f64`: the arithmetic the kernels are generic over.
pub trait Real:
    Copy
    + Send
    + Sync
    + Default
    + Debug
    + PartialEq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + 'static
{
    /// The matching [`Precision`].
    const PRECISION: Precision;
    /// Width of a gathered row in the high passes, in amplitudes (512 bytes per array: eight
    /// cache lines per visit to a row; a slab of 2^10 rows × 2 arrays is 1 MiB, the L2 size).
    const ROW: usize;
    /// Lossy conversion from `f64`.
    fn from_f64(x: f64) -> Self;
    /// Exact conversion to `f64`.
    fn to_f64(self) -> f64;
    /// `self * a + b` with one rounding (only used where the FMA instruction is enabled).
    fn mul_add(self, a: Self, b: Self) -> Self;
}

impl Real for f64 {
    const PRECISION: Precision = Precision::Complex128;
    const ROW: usize = 64;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        f64::mul_add(self, a, b)
    }
}

impl Real for f32 {
    const PRECISION: Precision = Precision::Complex64;
    const ROW: usize = 128;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        f32::mul_add(self, a, b)
    }
}
