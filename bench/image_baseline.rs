//! Benchmark helper: how long one 12-megapixel JPEG takes through our
//! pipeline, against the `image` crate's decode + resize alone.
//!
//!   cargo run --release --features ssr --example image_baseline -- OUT.jpg
//!
//! Writes the test JPEG to OUT.jpg (for the HTTP upload timing in
//! bench/run.sh) and prints `name milliseconds` lines (median of 5).

use std::{io::Cursor, time::Instant};

use cloudtalents::server::{config::UploadLimits, library::processing};
use image::{imageops::FilterType, DynamicImage, ImageFormat, RgbImage};

fn median_ms(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[2]
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: image_baseline OUT.jpg");
    // A photo-like 4000 × 3000 image: smooth gradients with mild noise.
    let mut seed = 7u32;
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = ((seed >> 16) & 15) as u8;
        image::Rgb([(x / 16) as u8 ^ n, (y / 12) as u8, ((x + y) / 28) as u8 ^ n])
    });
    let mut jpeg = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut jpeg, ImageFormat::Jpeg)
        .unwrap();
    let jpeg = jpeg.into_inner();
    std::fs::write(&out, &jpeg).unwrap();

    let decode_resize = median_ms(|| {
        let img = image::load_from_memory(&jpeg).unwrap();
        let _ = img.resize(1600, 1600, FilterType::CatmullRom);
    });
    let limits = UploadLimits {
        max_bytes: 64 << 20,
        max_width: 20_000,
        max_height: 20_000,
        max_pixels: 50_000_000,
    };
    let pipeline = median_ms(|| {
        processing::process(&jpeg, &limits).unwrap();
    });
    println!("jpeg_bytes {}", jpeg.len());
    println!("image_crate_decode_resize_ms {decode_resize:.0}");
    println!("pipeline_ms {pipeline:.0}");
}
