//! The charts of the HTML report (`html`), drawn as SVG by plotters: threshold agreement per
//! group as diverging bars (under-estimated to the left, agreed across the middle,
//! over-estimated to the right), consultations and front-door referrals by month, and the parts
//! of a whole (diversions, follow-ups, grades) as one bar. Each colour has a lightness of its
//! own, so that the parts are told apart in greyscale, and the hues (blues, orange, greys) are
//! ones colour-blind readers tell apart; every chart has a key and its counts written on it, and
//! the page sets a table of its numbers beside it, so that colour is never the only cue.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};

/// A chart ready for the page: its size in pixels and its SVG elements, without the `<svg>`
/// element around them, which the page writes with the chart's title and description.
pub struct Drawing {
    pub width: u32,
    pub height: u32,
    pub elements: String,
}

/// A colour and the colour of text written on it.
#[derive(Clone, Copy)]
pub struct Paint {
    pub fill: RGBColor,
    pub text: RGBColor,
    /// An outline, for a fill as light as the page.
    pub outlined: bool,
}

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const RULE: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);
const FONT: &str = "sans-serif";

const fn on_dark(fill: RGBColor) -> Paint {
    Paint {
        fill,
        text: WHITE,
        outlined: false,
    }
}

const fn on_light(fill: RGBColor) -> Paint {
    Paint {
        fill,
        text: INK,
        outlined: false,
    }
}

/// The consultee's level below the advisor's: blue, 34% grey in greyscale.
pub const UNDER: Paint = on_dark(RGBColor(0x00, 0x72, 0xb2));
/// The two levels the same: light grey, 85%.
pub const AGREE: Paint = on_light(RGBColor(0xd9, 0xd9, 0xd9));
/// The consultee's level above the advisor's: orange, 64%.
pub const OVER: Paint = on_light(RGBColor(0xe6, 0x9f, 0x00));
/// Four blues, darkest first (15%, 38%, 62% and 84% grey), for the parts of a whole.
pub const SCALE: [Paint; 4] = [
    on_dark(RGBColor(0x08, 0x30, 0x6b)),
    on_dark(RGBColor(0x21, 0x71, 0xb5)),
    on_light(RGBColor(0x6b, 0xae, 0xd6)),
    on_light(RGBColor(0xc6, 0xdb, 0xef)),
];
/// Consultations beside front-door referrals: mid grey, 74%.
pub const VOLUME: Paint = on_light(RGBColor(0xbd, 0xbd, 0xbd));
/// Not decided yet: white, outlined.
pub const OPEN: Paint = Paint {
    fill: WHITE,
    text: INK,
    outlined: true,
};

/// A part of a bar: what it is, how many, and its colour.
pub struct Part<'a> {
    pub label: &'a str,
    pub count: u64,
    pub paint: Paint,
}

/// One group's threshold agreement: its name and its consultations with both levels, by how
/// the consultee's level compared with the advisor's.
pub struct Agreement<'a> {
    pub name: &'a str,
    pub compared: u64,
    pub under: u64,
    pub agree: u64,
    pub over: u64,
}

/// One month: its consultations and its front-door referrals, taken up, decided otherwise and
/// pending.
pub struct Month<'a> {
    pub label: &'a str,
    pub consultations: u64,
    pub taken_up: u64,
    pub other_decision: u64,
    pub pending: u64,
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Draws on an SVG canvas of `width` × `height` pixels and keeps its elements.
fn draw(width: u32, height: u32, paint: impl FnOnce(&Area) -> Result<()>) -> Result<Drawing> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        paint(&root)?;
        root.present().map_err(drawing_failed)?;
    }
    // plotters writes a whole document; the page keeps what is inside its root element.
    let elements = svg
        .find('>')
        .zip(svg.rfind("</svg>"))
        .map(|(start, end)| svg[start + 1..end].trim().to_string())
        .ok_or_else(|| Error::failure("a chart of the report could not be drawn"))?;
    Ok(Drawing {
        width,
        height,
        elements,
    })
}

fn drawing_failed(e: impl std::fmt::Debug) -> Error {
    Error::failure(format!("a chart of the report could not be drawn: {e:?}"))
}

/// Text of `size` pixels (plotters writes 1/1.24 of the size it is given).
fn text(size: u32, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size as f64 * 1.24).into_font().color(&colour)
}

fn centred(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// A rectangle in `paint`, outlined when it is as light as the page.
fn block<C>(corners: [C; 2], paint: Paint) -> Vec<Rectangle<C>>
where
    C: Clone,
{
    let mut shapes = vec![Rectangle::new(corners.clone(), paint.fill.filled())];
    if paint.outlined {
        shapes.push(Rectangle::new(corners, SCALE[0].fill.stroke_width(1)));
    }
    shapes
}

/// Where the key of each part goes across `width` pixels, in text of `size` pixels: the left
/// edge and the top of each, in rows, as many as it takes.
fn key_places(width: u32, size: u32, parts: &[(&str, Paint)]) -> Vec<(i32, i32)> {
    let (mut x, mut y) = (0i32, 0i32);
    let mut places = Vec::new();
    for (label, _) in parts {
        // The font has no metrics here: about 0.55 of its size per character.
        let wide = (size as f64 * (2.5 + 0.55 * label.chars().count() as f64)) as i32;
        if x > 0 && x + wide > width as i32 {
            x = 0;
            y += (size + 5) as i32;
        }
        places.push((x, y));
        x += wide;
    }
    places
}

/// The height of the key of `parts` across `width` pixels, in text of `size` pixels.
fn key_height(width: u32, size: u32, parts: &[(&str, Paint)]) -> u32 {
    let rows = key_places(width, size, parts)
        .last()
        .map_or(0, |(_, y)| *y as u32 / (size + 5) + 1);
    rows * (size + 5) + 4
}

/// The key: a swatch and a label for each part, in rows across `area`'s width.
fn key(area: &Area, size: u32, parts: &[(&str, Paint)]) -> Result<()> {
    let (width, _) = area.dim_in_pixel();
    for ((label, paint), (x, y)) in parts.iter().zip(key_places(width, size, parts)) {
        let swatch = size as i32;
        for shape in block([(x, y + 2), (x + swatch, y + 2 + swatch)], *paint) {
            area.draw(&shape).map_err(drawing_failed)?;
        }
        area.draw(&Text::new(
            label.to_string(),
            (x + swatch + 5, y + 2 + swatch / 2),
            text(size, INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(drawing_failed)?;
    }
    Ok(())
}

/// At most `width` characters of a name, cut with "…".
fn cut(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        return name.to_string();
    }
    let mut cut: String = name.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// Threshold agreement, one bar per group: of its consultations with both levels, the share
/// where the consultee's level was below the advisor's to the left, the same across the middle,
/// above to the right; each part with its count, each group with how many were compared.
pub fn agreement(groups: &[Agreement]) -> Result<Drawing> {
    const WIDTH: u32 = 720;
    const ROW: u32 = 20;
    let parts = [
        ("Consultee under-estimated", UNDER),
        ("Agreed", AGREE),
        ("Consultee over-estimated", OVER),
    ];
    let top = key_height(WIDTH, 13, &parts);
    let n = groups.len() as u32;
    let height = top + ROW * n.max(1) + 30;
    draw(WIDTH, height, |root| {
        root.fill(&WHITE).map_err(drawing_failed)?;
        let (legend, plot) = root.split_vertically(top);
        key(&legend, 13, &parts)?;
        let names: Vec<String> = groups
            .iter()
            .map(|g| format!("{} ({})", cut(g.name, 26), g.compared))
            .collect();
        // One row per group, the first at the top, two units high and labelled in its middle.
        let rows = 2 * n.max(1);
        let middles: Vec<u32> = (0..n).map(|i| 2 * i + 1).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(16)
            .x_label_area_size(24)
            .y_label_area_size(210)
            .build_cartesian_2d(-100f64..100f64, (0..rows).with_key_points(middles))
            .map_err(drawing_failed)?;
        let row = |i: usize| 2 * (n - 1 - i as u32);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(9)
            .light_line_style(WHITE)
            .bold_line_style(RULE)
            .axis_style(INK)
            .label_style(text(12, INK))
            .x_label_formatter(&|x| format!("{}%", x.abs().round()))
            .y_label_formatter(&|y| {
                let from_top = (rows - y) / 2;
                names.get(from_top as usize).cloned().unwrap_or_default()
            })
            .draw()
            .map_err(drawing_failed)?;
        // The middle line first, for the bars to cover where they agree.
        chart
            .plotting_area()
            .draw(&PathElement::new(
                [(0.0, 0), (0.0, rows)],
                INK.stroke_width(1),
            ))
            .map_err(drawing_failed)?;
        for (i, g) in groups.iter().enumerate() {
            let share = |count: u64| count as f64 * 100.0 / g.compared.max(1) as f64;
            let half = share(g.agree) / 2.0;
            let spans = [
                (-half - share(g.under), -half, g.under, UNDER),
                (-half, half, g.agree, AGREE),
                (half, half + share(g.over), g.over, OVER),
            ];
            for (from, to, count, paint) in spans {
                if count == 0 {
                    continue;
                }
                let corners = [(from, row(i)), (to, row(i) + 2)];
                let mut bar = Rectangle::new(corners, paint.fill.filled());
                bar.set_margin(3, 3, 0, 0);
                chart.plotting_area().draw(&bar).map_err(drawing_failed)?;
                // A count fits in a part wider than about 16 pixels.
                if to - from >= 6.0 {
                    chart
                        .plotting_area()
                        .draw(&Text::new(
                            count.to_string(),
                            ((from + to) / 2.0, row(i) + 1),
                            centred(text(12, paint.text)),
                        ))
                        .map_err(drawing_failed)?;
                }
            }
        }
        Ok(())
    })
}

/// Consultations and front-door referrals by month: for each month a bar of its consultations
/// and beside it a bar of its front-door referrals in three parts — taken up, decided
/// otherwise, pending — each bar with its count above it.
pub fn months(months: &[Month]) -> Result<Drawing> {
    const WIDTH: u32 = 720;
    let parts = [
        ("Consultations", VOLUME),
        ("Front door: taken up", SCALE[0]),
        ("decided otherwise", SCALE[2]),
        ("pending", OPEN),
    ];
    let top = key_height(WIDTH, 13, &parts);
    let height = top + 135;
    let n = months.len() as u32;
    let highest = months
        .iter()
        .map(|m| {
            m.consultations
                .max(m.taken_up + m.other_decision + m.pending)
        })
        .max()
        .unwrap_or(0)
        .max(1);
    draw(WIDTH, height, |root| {
        root.fill(&WHITE).map_err(drawing_failed)?;
        let (legend, plot) = root.split_vertically(top);
        key(&legend, 13, &parts)?;
        // Room above the highest bar for its count.
        let ceiling = (highest as f64 * 1.15).ceil().max(highest as f64 + 1.0);
        // One column per month, two units wide and labelled in its middle.
        let columns = 2 * n.max(1);
        let middles: Vec<u32> = (0..n).map(|i| 2 * i + 1).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(8)
            .x_label_area_size(24)
            .y_label_area_size(40)
            .build_cartesian_2d((0..columns).with_key_points(middles), 0f64..ceiling)
            .map_err(drawing_failed)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            // No more labels than whole numbers to put them at.
            .y_labels((ceiling as usize + 1).min(6))
            .light_line_style(WHITE)
            .bold_line_style(RULE)
            .axis_style(INK)
            .label_style(text(12, INK))
            .x_label_formatter(&|x| {
                months
                    .get(*x as usize / 2)
                    .map_or_else(String::new, |m| m.label.to_string())
            })
            .y_label_formatter(&|y| {
                // Whole numbers only: a count has no halves.
                if y.fract() == 0.0 {
                    format!("{y}")
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(drawing_failed)?;
        let (plot_width, _) = chart.plotting_area().dim_in_pixel();
        let column = plot_width / n.max(1);
        let half = column / 2;
        let area = chart.plotting_area();
        for (i, m) in months.iter().enumerate() {
            let i = 2 * i as u32;
            let span = |from: u64, to: u64| [(i, from as f64), (i + 2, to as f64)];
            // Consultations in the left half of the month, front-door referrals in the right.
            if m.consultations > 0 {
                for mut bar in block(span(0, m.consultations), VOLUME) {
                    bar.set_margin(0, 0, 4, half);
                    area.draw(&bar).map_err(drawing_failed)?;
                }
            }
            let mut front_door = 0;
            for (count, paint) in [
                (m.taken_up, SCALE[0]),
                (m.other_decision, SCALE[2]),
                (m.pending, OPEN),
            ] {
                if count == 0 {
                    continue;
                }
                for mut bar in block(span(front_door, front_door + count), paint) {
                    bar.set_margin(0, 0, half, 4);
                    area.draw(&bar).map_err(drawing_failed)?;
                }
                front_door += count;
            }
            // Each bar's count above it, centred on it (pixels from the month's left edge).
            let middles = [(4 + half) / 2, (half + column - 4) / 2];
            for (count, middle) in [(m.consultations, middles[0]), (front_door, middles[1])] {
                if count == 0 {
                    continue;
                }
                let label = EmptyElement::at((i, count as f64))
                    + Text::new(
                        count.to_string(),
                        (middle as i32, -8),
                        centred(text(11, INK)),
                    );
                area.draw(&label).map_err(drawing_failed)?;
            }
        }
        Ok(())
    })
}

/// The parts of a whole as one bar across the width, each part with its count, the key below.
/// With nothing to divide, an empty outlined bar that says so.
pub fn parts(parts: &[Part]) -> Result<Drawing> {
    const WIDTH: u32 = 300;
    const BAR: u32 = 26;
    let keys: Vec<(String, Paint)> = parts
        .iter()
        .map(|p| (format!("{} {}", p.label, p.count), p.paint))
        .collect();
    let keys: Vec<(&str, Paint)> = keys.iter().map(|(l, p)| (l.as_str(), *p)).collect();
    let height = BAR + 8 + key_height(WIDTH, 15, &keys);
    let total: u64 = parts.iter().map(|p| p.count).sum();
    draw(WIDTH, height, |root| {
        root.fill(&WHITE).map_err(drawing_failed)?;
        let (bar, legend) = root.split_vertically(BAR + 8);
        let chart = ChartBuilder::on(&bar)
            .margin(1)
            .build_cartesian_2d(0f64..total.max(1) as f64, 0f64..1f64)
            .map_err(drawing_failed)?;
        let area = chart.plotting_area();
        if total == 0 {
            area.draw(&Rectangle::new(
                [(0.0, 0.0), (1.0, 1.0)],
                RULE.stroke_width(1),
            ))
            .map_err(drawing_failed)?;
            area.draw(&Text::new("none", (0.5, 0.5), centred(text(15, INK))))
                .map_err(drawing_failed)?;
        }
        let mut from = 0.0;
        let scale = (area.dim_in_pixel().0 as f64) / total.max(1) as f64;
        for part in parts.iter().filter(|p| p.count > 0) {
            let to = from + part.count as f64;
            for shape in block([(from, 0.0), (to, 1.0)], part.paint) {
                area.draw(&shape).map_err(drawing_failed)?;
            }
            if (to - from) * scale >= 16.0 {
                area.draw(&Text::new(
                    part.count.to_string(),
                    ((from + to) / 2.0, 0.5),
                    centred(text(15, part.paint.text)),
                ))
                .map_err(drawing_failed)?;
            }
            from = to;
        }
        key(&legend, 15, &keys)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(c: RGBColor) -> f64 {
        (0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64) / 255.0
    }

    #[test]
    fn the_parts_of_each_chart_differ_in_lightness() {
        for set in [
            vec![UNDER, AGREE, OVER],
            SCALE.to_vec(),
            vec![VOLUME, SCALE[0], SCALE[2], OPEN],
        ] {
            let mut greys: Vec<f64> = set.iter().map(|p| grey(p.fill)).collect();
            greys.sort_by(f64::total_cmp);
            for pair in greys.windows(2) {
                assert!(pair[1] - pair[0] >= 0.1, "{greys:?}");
            }
        }
    }

    #[test]
    fn a_drawing_is_svg_elements_without_the_root_element() {
        let d = parts(&[
            Part {
                label: "Held",
                count: 3,
                paint: SCALE[0],
            },
            Part {
                label: "Escalated",
                count: 1,
                paint: SCALE[2],
            },
        ])
        .unwrap();
        assert!(!d.elements.contains("<svg"), "{}", d.elements);
        assert!(!d.elements.contains("</svg>"), "{}", d.elements);
        assert!(!d.elements.contains("http"), "{}", d.elements);
        assert!(d.elements.contains("<rect"), "{}", d.elements);
        assert!(d.elements.contains("Held 3"), "{}", d.elements);
    }
}
