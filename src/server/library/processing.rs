//! Turning untrusted upload bytes into the files we serve: detect the
//! format from the bytes, decode within limits, apply the EXIF orientation,
//! re-encode (which drops all metadata), and make the display copy and the
//! thumbnails. CPU-bound: callers run it on a blocking thread.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
};

use crate::{
    model::image::{StoredFormat, Variant},
    server::config::UploadLimits,
};

const JPEG_QUALITY: u8 = 85;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("The file is empty.")]
    Empty,
    #[error("This file is not a JPEG, PNG, GIF or WebP image. Other kinds of file (SVG, HTML, PDF, …) are not accepted.")]
    Unsupported,
    #[error("The image is {width} × {height} pixels; the largest accepted is {max_width} × {max_height} and {max_megapixels} megapixels.")]
    TooLarge {
        width: u32,
        height: u32,
        max_width: u32,
        max_height: u32,
        max_megapixels: u64,
    },
    #[error("The {0} image could not be read: it is damaged or incomplete.")]
    Corrupt(&'static str),
}

impl ImageError {
    pub fn status(&self) -> u16 {
        match self {
            ImageError::Empty | ImageError::Corrupt(_) => 422,
            ImageError::Unsupported => 415,
            ImageError::TooLarge { .. } => 413,
        }
    }
}

pub struct Processed {
    pub format: StoredFormat,
    pub width: u32,
    pub height: u32,
    /// File name and bytes of each stored copy.
    pub files: Vec<(String, Vec<u8>)>,
    /// The extension of the uploaded format (for keeping the original).
    pub original_ext: &'static str,
}

fn accepted(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Jpeg => Some("jpg"),
        ImageFormat::Png => Some("png"),
        ImageFormat::Gif => Some("gif"),
        ImageFormat::WebP => Some("webp"),
        _ => None,
    }
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::Gif => "GIF",
        _ => "WebP",
    }
}

/// The pixels the image's header declares, or `None` when it cannot be
/// read (then [`process`] says why). Cheap: nothing is decoded.
pub fn declared_pixels(bytes: &[u8]) -> Option<u64> {
    let format = image::guess_format(bytes).ok()?;
    accepted(format)?;
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .ok()?;
    Some(u64::from(width) * u64::from(height))
}

pub fn process(bytes: &[u8], limits: &UploadLimits) -> Result<Processed, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    let format = image::guess_format(bytes).map_err(|_| ImageError::Unsupported)?;
    let original_ext = accepted(format).ok_or(ImageError::Unsupported)?;
    let corrupt = || ImageError::Corrupt(format_name(format));
    // The JPEG decoder fills in missing data rather than failing: check the
    // file is whole first.
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(corrupt());
    }
    let too_large = |width, height| ImageError::TooLarge {
        width,
        height,
        max_width: limits.max_width,
        max_height: limits.max_height,
        max_megapixels: limits.max_pixels / 1_000_000,
    };

    // Read the header first: a decompression bomb is refused before any
    // pixel memory is allocated.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoder_limits = Limits::default();
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).max(64 << 20));
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(|_| corrupt())?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(corrupt());
    }
    if width > limits.max_width
        || height > limits.max_height
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(too_large(width, height));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| corrupt())?;
    img.apply_orientation(orientation);

    let transparent = has_transparency(&img);
    // Converted in place of the decoded image (`into_*`: no copy when it is
    // already RGB8, as a JPEG is), so one full-size copy is alive, not two.
    let img = if transparent {
        DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.into_rgb8())
    };
    let format = if transparent {
        StoredFormat::Png
    } else {
        StoredFormat::Jpeg
    };

    let mut files = Vec::with_capacity(Variant::ALL.len());
    let mut display_size = (img.width(), img.height());
    // Each copy is made from the one before (display → 800 → 400): cheaper
    // than resizing the full image three times, and as sharp.
    let mut source = img;
    let mut resizer = Resizer::new();
    for variant in Variant::ALL {
        let side = variant.side();
        let copy = if source.width() > side || source.height() > side {
            fit_within(&source, side, &mut resizer)?
        } else {
            source.clone()
        };
        if variant == Variant::Display {
            display_size = (copy.width(), copy.height());
        }
        files.push((variant.file_name(format), encode(&copy, transparent)?));
        source = copy;
    }
    Ok(Processed {
        format,
        width: display_size.0,
        height: display_size.1,
        files,
        original_ext,
    })
}

/// Whether any pixel is less than opaque, read in the decoded image's own
/// layout (an RGBA copy only to look would double the memory).
fn has_transparency(img: &DynamicImage) -> bool {
    match img {
        DynamicImage::ImageLumaA8(b) => b.pixels().any(|p| p.0[1] < u8::MAX),
        DynamicImage::ImageRgba8(b) => b.pixels().any(|p| p.0[3] < u8::MAX),
        DynamicImage::ImageLumaA16(b) => b.pixels().any(|p| p.0[1] < u16::MAX),
        DynamicImage::ImageRgba16(b) => b.pixels().any(|p| p.0[3] < u16::MAX),
        DynamicImage::ImageRgba32F(b) => b.pixels().any(|p| p.0[3] < 1.0),
        other if other.color().has_alpha() => other.to_rgba8().pixels().any(|p| p.0[3] < 255),
        _ => false,
    }
}

/// Walks the JPEG's segments: every marker segment is skipped by its
/// length (an EXIF thumbnail inside APP1 with it), entropy-coded data up to
/// the next real marker. Complete means the walk reaches End Of Image.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    while i + 1 < bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        match marker {
            0xD9 => return true,
            // Fill bytes, and markers without a length.
            0xFF => i += 1,
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let Some(len) = bytes
                    .get(i + 2..i + 4)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
                else {
                    return false;
                };
                i += 2 + len;
                if marker == 0xDA {
                    // Entropy-coded data: runs to the next marker that is not
                    // a stuffed 0xFF00 or a restart marker.
                    while i + 1 < bytes.len()
                        && !(bytes[i] == 0xFF
                            && bytes[i + 1] != 0x00
                            && !(0xD0..=0xD7).contains(&bytes[i + 1]))
                    {
                        i += 1;
                    }
                }
            }
        }
    }
    false
}

/// `source` scaled down to fit within `side` × `side`, keeping its aspect
/// ratio, as `DynamicImage::resize` would. fast_image_resize works on the
/// 8-bit pixels themselves, where the image crate keeps a float copy of the
/// whole image between its two passes (77 MB for a 12 MP photo, per upload
/// being processed): several times faster, and that memory is not needed.
fn fit_within(
    source: &DynamicImage,
    side: u32,
    resizer: &mut Resizer,
) -> Result<DynamicImage, ImageError> {
    let (width, height) = fitted_size(source.width(), source.height(), side);
    let mut copy = DynamicImage::new(width, height, source.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    // Source and copy are both RGB8 or both RGBA8: a failure is a bug.
    resizer
        .resize(source, &mut copy, &options)
        .map_err(|_| ImageError::Corrupt("resized"))?;
    Ok(copy)
}

/// The size of `width` × `height` scaled to fit within `side` × `side`
/// (rounded, at least one pixel), the same as the image crate's.
fn fitted_size(width: u32, height: u32, side: u32) -> (u32, u32) {
    let ratio = f64::min(
        f64::from(side) / f64::from(width),
        f64::from(side) / f64::from(height),
    );
    // At most `side`, so it fits in a u32.
    let scale = |n: u32| ((f64::from(n) * ratio).round() as u32).max(1);
    (scale(width), scale(height))
}

fn encode(img: &DynamicImage, png: bool) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    let result = if png {
        img.write_with_encoder(PngEncoder::new(&mut out))
    } else {
        img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
    };
    // Encoding an image we decoded only fails on a bug; report it as such.
    result.map_err(|_| ImageError::Corrupt("re-encoded"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use image::{DynamicImage, ImageBuffer, LumaA, Rgb, Rgba};

    use super::{declared_pixels, fit_within, fitted_size, has_transparency};

    #[test]
    fn the_header_tells_the_pixels_without_decoding() {
        let mut png = Vec::new();
        DynamicImage::new_rgb8(300, 200)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(declared_pixels(&png), Some(60_000));
        assert_eq!(declared_pixels(b"<svg/>"), None);
        assert_eq!(declared_pixels(&png[..20]), None);
    }

    #[test]
    fn transparency_is_read_in_each_layout() {
        let opaque = ImageBuffer::from_pixel(4, 4, Rgba([9u8, 9, 9, 255]));
        assert!(!has_transparency(&DynamicImage::ImageRgba8(opaque.clone())));
        let mut one_clear = opaque;
        one_clear.put_pixel(3, 3, Rgba([9, 9, 9, 254]));
        assert!(has_transparency(&DynamicImage::ImageRgba8(one_clear)));
        let grey = ImageBuffer::from_pixel(2, 2, LumaA([1000u16, 0]));
        assert!(has_transparency(&DynamicImage::ImageLumaA16(grey)));
        let rgb = ImageBuffer::from_pixel(2, 2, Rgb([1u8, 2, 3]));
        assert!(!has_transparency(&DynamicImage::ImageRgb8(rgb)));
    }

    #[test]
    fn the_fitted_size_is_the_image_crates() {
        for (width, height) in [
            (4000, 3000),
            (3000, 4000),
            (37, 5),
            (5, 37),
            (401, 400),
            (1, 900),
            (64, 64),
        ] {
            let theirs = DynamicImage::new_rgb8(width, height).resize(
                16,
                16,
                image::imageops::FilterType::Nearest,
            );
            assert_eq!(
                fitted_size(width, height, 16),
                (theirs.width(), theirs.height()),
                "{width} × {height}"
            );
        }
    }

    /// Against the image crate's own CatmullRom resize of the same photo-like
    /// gradient: the same size and colour type, every channel in place, the
    /// same pixels within a few levels.
    #[test]
    fn a_resized_copy_matches_the_image_crates() {
        let mut resizer = fast_image_resize::Resizer::new();
        let rgb = DynamicImage::ImageRgb8(ImageBuffer::from_fn(300, 200, |x, y| {
            Rgb([
                (x * 255 / 299) as u8,
                (y * 255 / 199) as u8,
                ((x + y) / 2) as u8,
            ])
        }));
        let rgba = DynamicImage::ImageRgba8(ImageBuffer::from_fn(300, 200, |x, y| {
            Rgba([
                (x * 255 / 299) as u8,
                40,
                (y * 255 / 199) as u8,
                (90 + y * 165 / 199) as u8,
            ])
        }));
        for source in [rgb, rgba] {
            let ours = fit_within(&source, 120, &mut resizer).unwrap();
            let theirs = source.resize(120, 120, image::imageops::FilterType::CatmullRom);
            assert_eq!(ours.color(), source.color());
            assert_eq!(
                (ours.width(), ours.height()),
                (theirs.width(), theirs.height())
            );
            let (ours, theirs) = (ours.as_bytes(), theirs.as_bytes());
            let differences: Vec<u8> = ours
                .iter()
                .zip(theirs)
                .map(|(a, b)| a.abs_diff(*b))
                .collect();
            let worst = differences.iter().max().copied().unwrap_or(0);
            let mean =
                differences.iter().map(|&d| f64::from(d)).sum::<f64>() / differences.len() as f64;
            // Edges and alpha are weighted a little differently (fast_image_resize
            // resizes RGBA premultiplied): a few levels at most, under one on average.
            // A swapped channel or a shifted row is off by tens.
            assert!(
                worst <= 8 && mean < 1.0,
                "{:?}: worst {worst}, mean {mean:.2}",
                source.color()
            );
        }
    }
}
