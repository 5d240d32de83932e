//! Test images, made here rather than shipped: every property a test relies
//! on (size, orientation, metadata, damage) is visible in the code.

use std::io::{Cursor, Write};

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A noisy RGB image (noise keeps JPEGs from being trivially small).
pub fn rgb(width: u32, height: u32) -> DynamicImage {
    let mut seed = 0x1234_5678u32;
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (seed >> 16) as u8 / 4;
        Rgb([
            (x * 255 / width.max(1)) as u8 ^ n,
            (y * 255 / height.max(1)) as u8,
            120 ^ n,
        ])
    }))
}

pub fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(&rgb(width, height), ImageFormat::Jpeg)
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    encode(&rgb(width, height), ImageFormat::Png)
}

/// A PNG with real transparency (half the pixels see-through).
pub fn transparent_png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(width, height, |x, _| {
        Rgba([200, 30, 30, if x % 2 == 0 { 0 } else { 255 }])
    });
    encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

pub fn gif(width: u32, height: u32) -> Vec<u8> {
    encode(&rgb(width, height), ImageFormat::Gif)
}

pub fn webp(width: u32, height: u32) -> Vec<u8> {
    encode(&rgb(width, height), ImageFormat::WebP)
}

pub const EXIF_MARKER: &str = "SECRET-GPS-MARKER";

/// A JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6)
/// and carries a GPS block and a description with [`EXIF_MARKER`].
pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II\x2a\x00\x08\x00\x00\x00");
    // IFD0 at 8: ImageDescription, Orientation, GPS IFD pointer.
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = Vec::new();
        e.extend_from_slice(&tag.to_le_bytes());
        e.extend_from_slice(&kind.to_le_bytes());
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&value.to_le_bytes());
        e
    };
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_at = 8 + ifd0_len;
    let gps_len = 2 + 12 + 4;
    let text_at = gps_at + gps_len;
    let text = format!("{EXIF_MARKER}\0");
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend(entry(0x010E, 2, text.len() as u32, text_at as u32));
    tiff.extend(entry(0x0112, 3, 1, 6));
    tiff.extend(entry(0x8825, 4, 1, gps_at as u32));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD: GPSLatitudeRef = "N".
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(text.as_bytes());

    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A valid PNG of 30 000 × 30 000 one-bit pixels: about 110 KB on disk,
/// 900 megapixels (and gigabytes of RGB) once decoded.
pub fn png_bomb() -> Vec<u8> {
    let (w, h) = (30_000u32, 30_000u32);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]); // 1-bit grayscale
    chunk(&mut out, b"IHDR", &ihdr);
    let row = vec![0u8; 1 + (w as usize).div_ceil(8)];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..h {
        z.write_all(&row).unwrap();
    }
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

pub const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#;
pub const HTML: &[u8] =
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// Starts like a GIF, goes on as HTML: not an image.
pub fn gif_html_polyglot() -> Vec<u8> {
    let mut out = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    out.extend_from_slice(HTML);
    out
}
