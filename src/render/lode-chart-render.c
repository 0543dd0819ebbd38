/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "lode-axes.h"
#include "lode-chart-render.h"
#include "lode-prints-render.h"
#include "lode-format.h"

/* Grid spacing of the placeholder frame, in pixels. */
#define GRID_STEP 80

/* Target spacing of price ticks and minimum spacing of time labels, in
 * logical pixels. */
#define PRICE_TICK_SPACING  64.0
#define TIME_LABEL_SPACING  96.0

/* Candles thinner than this (device pixels) are drawn as one aggregated
 * OHLC bar per pixel column. */
#define MIN_CANDLE_PX       2.0

/* One profile bar per PROFILE_ROW_PX logical pixels of plot height; a
 * point of the fuel curves every FUEL_STEP_PX. */
#define PROFILE_ROW_PX      3.0
#define FUEL_STEP_PX        3.0

/* Resolution of the colour lookup of the raster: value / reference in
 * [0,1] quantised to this many steps. */
#define LUT_SIZE            1024

/* Largest raster side, in device pixels. */
#define MAX_RASTER_SIDE     8192

/* From this many cells on, the heatmap grid and the colour mapping are
 * shared with a second thread: a plot-sized grid (two million cells) is a
 * millisecond or two of colour mapping on one core, and a thread costs
 * some 50 µs to start. */
#define PARALLEL_MIN_CELLS  (256 * 1024)
/* Candles a column from which the heatmap grid is made on two threads:
 * measured at 274 (a year, faster) and 1 (a day, slower) only; 8 is a
 * guess in between. */
#define PIPELINE_MIN_CANDLES 8

#define FONT                "Sans 9"
#define FONT_BOLD           "Sans Bold 9"
#define FONT_MESSAGE        "Sans 11"

/* Where the geometry is snapped: cairo's user → device mapping when it is
 * an axis-aligned scale and translation (always, for the widget and the
 * exports), so that hairlines and candle bodies land on whole pixels. */
typedef struct
{
  double sx;
  double sy;
  double tx;
  double ty;
  gboolean aligned;
} Device;

typedef struct _Profile Profile;

/* What every layer needs, gathered once per call. */
typedef struct
{
  cairo_t                *cr;
  const LodeView         *view;
  const LodeChartPalette *palette;
  const LodeChartFrame   *frame;
  LodeMarket             *market;      /* NULL without a snapshot */
  const LodeCandle       *candles;
  gsize                   n_candles;
  gint64                  interval_ms;
  LodeLevelSet           *current;
  double                  last_close;
  gboolean                last_up;
  gssize                  live_index;  /* where frame->live_candle goes, or -1 */
  Device                  dev;
  Profile                *profile;     /* draw_profile()'s numbers, see profile_start() */
  GThread                *profile_thread;
  PangoLayout            *layout;
  PangoFontDescription   *font;
  PangoFontDescription   *font_bold;
  GTimeZone              *tz;
} Ctx;

static void
set_source (cairo_t      *cr,
            const double  rgba[4])
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
}

static void
set_source_alpha (cairo_t      *cr,
                  const double  rgba[4],
                  double        alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha);
}

/* Palette ----------------------------------------------------------------- */

#define RGB(r, g, b, a) { (r) / 255.0, (g) / 255.0, (b) / 255.0, (a) }

void
lode_chart_palette_init_default (LodeChartPalette *palette,
                                 gboolean          dark)
{
  g_return_if_fail (palette != NULL);

  /* Candles teal/red as traders know them; the profile's orange (long) and
   * cyan (short) sit outside the colour maps' purple-to-yellow run; the
   * last price is blue so that it reads over heat of any colour. */
  if (dark)
    *palette = (LodeChartPalette) {
      .background = RGB (16, 16, 20, 1.0),
      .grid = RGB (255, 255, 255, 0.06),
      .text = RGB (200, 202, 210, 1.0),
      .axis_background = RGB (16, 16, 20, 1.0),
      .candle_up = RGB (38, 166, 154, 1.0),
      .candle_down = RGB (239, 83, 80, 1.0),
      .last_price = RGB (41, 121, 255, 1.0),
      .crosshair = RGB (190, 194, 204, 0.85),
      .profile_long = RGB (255, 145, 48, 1.0),
      .profile_short = RGB (38, 198, 218, 1.0),
      .highlight = RGB (120, 170, 255, 0.16),
      .depth_bid = RGB (102, 187, 106, 1.0),
      .depth_ask = RGB (240, 98, 146, 1.0),
      .confluence = RGB (179, 136, 255, 1.0),
      .cascade = RGB (255, 255, 255, 0.95),
    };
  else
    *palette = (LodeChartPalette) {
      .background = RGB (250, 250, 250, 1.0),
      .grid = RGB (0, 0, 0, 0.08),
      .text = RGB (51, 51, 56, 1.0),
      .axis_background = RGB (250, 250, 250, 1.0),
      .candle_up = RGB (8, 153, 129, 1.0),
      .candle_down = RGB (242, 54, 69, 1.0),
      .last_price = RGB (33, 100, 235, 1.0),
      .crosshair = RGB (70, 72, 82, 0.85),
      .profile_long = RGB (245, 124, 0, 1.0),
      .profile_short = RGB (0, 151, 167, 1.0),
      .highlight = RGB (33, 100, 235, 0.12),
      .depth_bid = RGB (46, 125, 50, 1.0),
      .depth_ask = RGB (194, 24, 91, 1.0),
      .confluence = RGB (101, 31, 255, 1.0),
      .cascade = RGB (20, 20, 28, 0.95),
    };
}

void
lode_chart_frame_init (LodeChartFrame *frame)
{
  g_return_if_fail (frame != NULL);

  *frame = (LodeChartFrame) {
    .snapshot = NULL,
    .mode = LODE_RENDER_MODE_SMOOTHED,
    .colormap = LODE_COLORMAP_MAGMA,
    .gamma = 1.0,
    .show_profile = TRUE,
    .show_legend = TRUE,
  };
}

/* Context ----------------------------------------------------------------- */

static void
device_init (Device  *dev,
             cairo_t *cr)
{
  cairo_matrix_t m;

  cairo_get_matrix (cr, &m);
  dev->aligned = m.xy == 0.0 && m.yx == 0.0 && m.xx > 0.0 && m.yy > 0.0;
  if (dev->aligned)
    {
      dev->sx = m.xx;
      dev->sy = m.yy;
      dev->tx = m.x0;
      dev->ty = m.y0;
    }
  else
    {
      dev->sx = dev->sy = 1.0;
      dev->tx = dev->ty = 0.0;
    }
}

static inline double
dx (const Ctx *c,
    double     x)
{
  return x * c->dev.sx + c->dev.tx;
}

static inline double
dy (const Ctx *c,
    double     y)
{
  return y * c->dev.sy + c->dev.ty;
}

/* Draw in device pixels until ctx_device_end(). */
static void
ctx_device_begin (Ctx *c)
{
  cairo_save (c->cr);
  if (c->dev.aligned)
    cairo_identity_matrix (c->cr);
}

static void
ctx_device_end (Ctx *c)
{
  cairo_restore (c->cr);
}

static void
ctx_init (Ctx                    *c,
          cairo_t                *cr,
          const LodeView         *view,
          const LodeChartPalette *palette,
          const LodeChartFrame   *frame)
{
  *c = (Ctx) {
    .cr = cr,
    .view = view,
    .palette = palette,
    .frame = frame,
    .live_index = -1,
  };

  device_init (&c->dev, cr);

  if (frame != NULL && frame->snapshot != NULL)
    {
      c->market = lode_snapshot_get_market (frame->snapshot);
      c->candles = lode_market_get_candles (c->market);
      c->n_candles = lode_market_get_n_candles (c->market);
      c->interval_ms = lode_market_get_interval_ms (c->market);
      c->current = lode_snapshot_get_current (frame->snapshot);
      if (c->n_candles > 0)
        {
          const LodeCandle *last = &c->candles[c->n_candles - 1];

          c->last_close = last->close;
          c->last_up = last->close >= last->open;

          /* The stream's candle replaces the last one or follows it. */
          if (frame->live_candle != NULL)
            {
              const LodeCandle *live = frame->live_candle;

              if (live->time_ms == last->time_ms)
                c->live_index = (gssize) c->n_candles - 1;
              else if (live->time_ms == last->time_ms + c->interval_ms)
                c->live_index = (gssize) c->n_candles;
              if (c->live_index >= 0)
                {
                  c->last_close = live->close;
                  c->last_up = live->close >= live->open;
                }
            }
        }
    }
}

static void
ctx_ensure_text (Ctx *c)
{
  if (c->layout != NULL)
    return;

  c->layout = pango_cairo_create_layout (c->cr);
  c->font = pango_font_description_from_string (FONT);
  c->font_bold = pango_font_description_from_string (FONT_BOLD);
  pango_layout_set_font_description (c->layout, c->font);
  c->tz = g_time_zone_new_local ();
}

static void
ctx_clear (Ctx *c)
{
  g_clear_object (&c->layout);
  g_clear_pointer (&c->font, pango_font_description_free);
  g_clear_pointer (&c->font_bold, pango_font_description_free);
  g_clear_pointer (&c->tz, g_time_zone_unref);
}

/* Text -------------------------------------------------------------------- */

static void
text_set (Ctx        *c,
          const char *text,
          gboolean    bold)
{
  ctx_ensure_text (c);
  pango_layout_set_font_description (c->layout, bold ? c->font_bold : c->font);
  pango_layout_set_width (c->layout, -1);
  pango_layout_set_text (c->layout, text, -1);
}

static void
text_size (Ctx *c,
           int *width,
           int *height)
{
  pango_layout_get_pixel_size (c->layout, width, height);
}

/* Shows the current layout with its box aligned at (@x, @y): @xalign and
 * @yalign 0 = left/top, 0.5 = centre, 1 = right/bottom. */
static void
text_show (Ctx          *c,
           double        x,
           double        y,
           double        xalign,
           double        yalign,
           const double  rgba[4])
{
  int w, h;

  text_size (c, &w, &h);
  set_source (c->cr, rgba);
  cairo_move_to (c->cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (c->cr, c->layout);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  r = MIN (r, MIN (w, h) / 2.0);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* A box behind text: the frame's background, mostly opaque, with a faint
 * border, so that it reads over any heat. */
static void
panel_box (Ctx    *c,
           double  x,
           double  y,
           double  w,
           double  h,
           double  alpha)
{
  rounded_rect (c->cr, x, y, w, h, 4.0);
  set_source_alpha (c->cr, c->palette->background, alpha);
  cairo_fill_preserve (c->cr);
  set_source (c->cr, c->palette->grid);
  cairo_set_line_width (c->cr, 1.0);
  cairo_stroke (c->cr);
}

/* Luminance-based choice of black or white text on @rgba. */
static void
contrast_text (const double rgba[4],
               double       out[4])
{
  double l = 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2];
  double v = l > 0.55 ? 0.05 : 1.0;

  out[0] = out[1] = out[2] = v;
  out[3] = 1.0;
}

/* Time ↔ candle index --------------------------------------------------- */

/* The time at a fractional candle index; outside the data, extrapolated
 * with the candle interval. */
static double
time_at_index (const Ctx *c,
               double     index)
{
  double fi = floor (index);

  if (fi < 0.0)
    return (double) c->candles[0].time_ms + index * c->interval_ms;
  if (fi >= (double) c->n_candles)
    return (double) c->candles[c->n_candles - 1].time_ms
           + (index - (double) (c->n_candles - 1)) * c->interval_ms;

  return (double) c->candles[(gsize) fi].time_ms + (index - fi) * c->interval_ms;
}

/* The fractional index of @t: candle i covers [t_i, t_i + Δ); a gap in
 * the data holds at the end of the candle before it. */
static double
index_at_time (const Ctx *c,
               double     t)
{
  gsize lo = 0, hi = c->n_candles;

  if (t < (double) c->candles[0].time_ms)
    return (t - (double) c->candles[0].time_ms) / c->interval_ms;
  if (t >= (double) c->candles[c->n_candles - 1].time_ms)
    return (double) (c->n_candles - 1) + (t - (double) c->candles[c->n_candles - 1].time_ms) / c->interval_ms;

  /* The last candle with t_i ≤ t. */
  while (hi - lo > 1)
    {
      gsize mid = lo + (hi - lo) / 2;

      if ((double) c->candles[mid].time_ms <= t)
        lo = mid;
      else
        hi = mid;
    }

  return (double) lo + MIN ((t - (double) c->candles[lo].time_ms) / c->interval_ms, 1.0);
}

/* Ticks ------------------------------------------------------------------- */

typedef struct
{
  double first;
  double step;
  guint  count;
  guint  decimals;
} PriceTicks;

static void
price_ticks (const LodeView *view,
             PriceTicks     *ticks)
{
  double span = view->price_max - view->price_min;

  *ticks = (PriceTicks) { 0 };
  ticks->step = lode_axes_nice_step (span, MAX (view->plot_height / PRICE_TICK_SPACING, 1.0));
  if (ticks->step <= 0.0)
    return;

  ticks->first = ceil (view->price_min / ticks->step) * ticks->step;
  ticks->count = (guint) MAX (floor ((view->price_max - ticks->first) / ticks->step) + 1.0, 0.0);
  ticks->count = MIN (ticks->count, 200);
  ticks->decimals = lode_axes_decimals_for_step (ticks->step);
}

/* Decimals of a price shown alone (last price, crosshair): six significant
 * digits, and at least those of the axis. */
static guint
tag_decimals (double price,
              guint  axis_decimals)
{
  double digits = 5.0 - floor (log10 (MAX (fabs (price), 1e-12)));

  return MAX (axis_decimals, (guint) CLAMP (digits, 0.0, 8.0));
}

/* Time ticks of the visible candles as (time, x) pairs. */
typedef struct
{
  gint64 time_ms;
  double x;
} TimeTick;

static GArray *
time_ticks (Ctx *c)
{
  const LodeView *v = c->view;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (TimeTick));
  g_autoptr(GArray) times = NULL;
  LodeTimeStep step;
  double ms_per_px, start, end;

  if (c->market == NULL)
    return out;

  ctx_ensure_text (c);

  ms_per_px = (v->index_max - v->index_min) * c->interval_ms / v->plot_width;
  step = lode_axes_choose_time_step (ms_per_px, TIME_LABEL_SPACING, c->interval_ms);

  /* A tick marks the candle that opens at its time, at the candle's centre. */
  start = time_at_index (c, v->index_min - 0.5);
  end = time_at_index (c, v->index_max - 0.5);
  times = lode_axes_time_ticks ((gint64) ceil (start), (gint64) floor (end), step, c->tz);

  for (guint i = 0; i < times->len; i++)
    {
      TimeTick tick;

      tick.time_ms = g_array_index (times, gint64, i);
      tick.x = lode_view_x_for_index (v, index_at_time (c, (double) tick.time_ms) + 0.5);
      if (tick.x >= v->plot_x && tick.x < v->plot_x + v->plot_width)
        g_array_append_val (out, tick);
    }

  return out;
}

/* Layer 0: background and grid --------------------------------------------- */

static void
draw_price_grid (Ctx *c)
{
  const LodeView *v = c->view;
  PriceTicks ticks;
  double x0, x1;

  price_ticks (v, &ticks);

  ctx_device_begin (c);
  x0 = round (dx (c, v->plot_x));
  x1 = round (dx (c, v->plot_x + v->plot_width));
  for (guint i = 0; i < ticks.count; i++)
    {
      double y = floor (dy (c, lode_view_y_for_price (v, ticks.first + i * ticks.step))) + 0.5;

      cairo_move_to (c->cr, x0, y);
      cairo_line_to (c->cr, x1, y);
    }
  set_source (c->cr, c->palette->grid);
  cairo_set_line_width (c->cr, 1.0);
  cairo_stroke (c->cr);
  ctx_device_end (c);
}

void
lode_chart_render_background (cairo_t                *cr,
                              const LodeView         *view,
                              const LodeChartPalette *palette)
{
  Ctx c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (palette != NULL);

  if (view->width <= 0 || view->height <= 0)
    return;

  ctx_init (&c, cr, view, palette, NULL);
  cairo_save (cr);

  set_source (cr, palette->background);
  cairo_rectangle (cr, 0, 0, view->width, view->height);
  cairo_fill (cr);

  draw_price_grid (&c);

  cairo_restore (cr);
  ctx_clear (&c);
}

/* Layer 1: heatmap raster ---------------------------------------------------- */

/* Pixels of an image this file allocates itself belong to its surface,
 * freed with it. */
static const cairo_user_data_key_t raster_pixels_key;

/* Which tiles of a heat raster hold any heat (RasterTiles), for
 * lode_chart_render_paint_raster() to blit only those: much of a year's
 * plot is clear of heat, and clear pixels cost the blit as much as any. */
static const cairo_user_data_key_t raster_tiles_key;

/* Side of the tiles, in pixels, by which rasters and layers are painted
 * only where they hold something. */
#define TILE 32

/* Tiles of a grid row-major, counted from the grid's row 0 (the image's
 * bottom row, see colour_band()); TRUE where a pixel is not clear. */
typedef struct
{
  guint  tiles_x;
  guint  tiles_y;
  guint8 filled[];
} RasterTiles;

/* Adds to the path one rectangle per run of filled tiles along each row of
 * @filled (@tiles_x × @tiles_y, row-major) over a @width × @height image
 * at (@x, @y): tile row 0 at the image's top or, with @bottom_up, at its
 * bottom; the last tiles cut to the image. */
static void
add_tile_runs (cairo_t      *cr,
               const guint8 *filled,
               int           tiles_x,
               int           tiles_y,
               gboolean      bottom_up,
               double        x,
               double        y,
               int           width,
               int           height)
{
  for (int ty = 0; ty < tiles_y; ty++)
    {
      int y0 = ty * TILE, y1 = MIN (y0 + TILE, height);

      if (bottom_up)
        {
          int top = height - y1;

          y1 = height - y0;
          y0 = top;
        }

      for (int tx = 0; tx < tiles_x; )
        {
          int end = tx;

          while (end < tiles_x && filled[ty * tiles_x + end])
            end++;
          if (end > tx)
            cairo_rectangle (cr, x + tx * TILE, y + y0, MIN (end * TILE, width) - tx * TILE, y1 - y0);
          tx = MAX (end, tx + 1);
        }
    }
}


/* §6 value t = cell / reference (0 … 1, after the intensity curve) to a
 * premultiplied ARGB32 pixel. Over a light background the alpha follows
 * t^0.6 from 0 (faint levels do not wash the chart out) and the colour
 * stops at 0.88 of the map (its top is near white). */
static guint32
heat_colour (const LodeChartFrame *frame,
             double                t,
             double                gamma)
{
  guint32 argb;
  double fade;
  guint a, r, g, b;

  if (!frame->light_background)
    return lode_colormap_lookup (frame->colormap, t, gamma);

  t = CLAMP (t, 0.0, 1.0);
  argb = lode_colormap_lookup (frame->colormap, MIN (pow (t, gamma), 0.88), 1.0);
  if (argb == 0)
    return 0;
  fade = pow (pow (t, gamma), 0.6) * 0.95;
  a = (guint) ((argb >> 24) * fade + 0.5);
  r = (guint) (((argb >> 16) & 0xff) * fade + 0.5);
  g = (guint) (((argb >> 8) & 0xff) * fade + 0.5);
  b = (guint) ((argb & 0xff) * fade + 0.5);

  return (a << 24) | (r << 16) | (g << 8) | b;
}

/* Rows [first_row, end_row) of a grid colour-mapped into the raster's
 * pixels, and the tiles they fill. The rows are independent: any split
 * gives the same pixels, and a split on a multiple of TILE rows leaves
 * each tile to one band. */
typedef struct
{
  const LodeHeatmap *heatmap;
  const guint32     *lut;      /* LUT_SIZE + 1 entries, see below */
  double             inv_ref;  /* (LUT_SIZE − 1) / reference */
  guint8            *data;
  int                stride;
  RasterTiles       *tiles;
  guint              first_row;
  guint              end_row;
} ColourBand;

static void
colour_band (const ColourBand *band)
{
  guint columns = band->heatmap->columns;
  guint rows = band->heatmap->rows;

  for (guint r = band->first_row; r < band->end_row; r++)
    {
      /* Row 0 of the grid is the lowest price: the image's bottom row. */
      const float *src = band->heatmap->cells + (gsize) r * columns;
      guint32 *dst = (guint32 *) (gpointer) (band->data + (gsize) (rows - 1 - r) * band->stride);
      guint8 *filled = &band->tiles->filled[(r / TILE) * band->tiles->tiles_x];

      for (guint x0 = 0; x0 < columns; x0 += TILE)
        {
          guint x1 = MIN (x0 + TILE, columns);
          guint32 any = 0;

          for (guint col = x0; col < x1; col++)
            {
              float value = src[col];
              double k = value * band->inv_ref + 0.5;
              guint index = k < LUT_SIZE - 1 ? (guint) k : LUT_SIZE - 1;
              guint32 pixel = band->lut[value > 0.0f ? 1 + index : 0];

              dst[col] = pixel;
              any |= pixel;
            }
          filled[x0 / TILE] |= any != 0;
        }
    }
}

static gpointer
colour_band_thread (gpointer data)
{
  colour_band (data);

  return NULL;
}

/* Colour-maps all of @heatmap into @data and fills in @tiles: the upper
 * half of the rows in a second thread while this one does the lower half,
 * when the grid is large and there is a second core; the pixels are the
 * same either way. The caller may itself be a worker (the chart widget's):
 * for the millisecond this lasts it uses both cores, and the main thread
 * gets one back as soon as it is done. */
static void
colour_map (const LodeHeatmap *heatmap,
            const guint32     *lut,
            double             inv_ref,
            guint8            *data,
            int                stride,
            RasterTiles       *tiles)
{
  ColourBand lower = { heatmap, lut, inv_ref, data, stride, tiles, 0, heatmap->rows };
  ColourBand upper = lower;
  GThread *thread = NULL;

  if ((gsize) heatmap->columns * heatmap->rows >= PARALLEL_MIN_CELLS
      && g_get_num_processors () > 1)
    {
      lower.end_row = upper.first_row = heatmap->rows / 2 / TILE * TILE;
      thread = g_thread_try_new ("lode-colour-map", colour_band_thread, &upper, NULL);
      if (thread == NULL)
        lower.end_row = heatmap->rows;
    }

  colour_band (&lower);
  if (thread != NULL)
    g_thread_join (thread);
}

cairo_surface_t *
lode_chart_render_heatmap_raster (const LodeView       *view,
                                  const LodeChartFrame *frame,
                                  double                scale,
                                  double               *x,
                                  double               *y,
                                  double               *width,
                                  double               *height,
                                  double               *reference)
{
  g_autoptr(LodeHeatmap) heatmap = NULL;
  LodeHeatmapView hv;
  LodeMarket *market;
  cairo_surface_t *surface;
  guint32 lut[LUT_SIZE + 1];
  double x0, x1, px_width, inv_ref, gamma;
  guint columns, rows, tiles_x, tiles_y;
  RasterTiles *tiles;
  guint8 *pixels;
  int stride;

  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (frame != NULL, NULL);

  if (reference != NULL)
    *reference = 0.0;
  if (frame->snapshot == NULL || !(scale > 0.0))
    return NULL;

  market = lode_snapshot_get_market (frame->snapshot);

  /* Probe the visible candles, then size the grid: one column per device
   * pixel when candles are thinner than a pixel, else one per candle. */
  if (!lode_view_get_heatmap_view (view, market, frame->mode, 1, 1, &hv))
    return NULL;
  x0 = lode_view_x_for_index (view, (double) hv.first_candle);
  x1 = lode_view_x_for_index (view, (double) (hv.first_candle + hv.n_candles));
  px_width = ceil ((x1 - x0) * scale - 1e-6);
  columns = (guint) MIN ((double) hv.n_candles, CLAMP (px_width, 1.0, MAX_RASTER_SIDE));
  rows = (guint) CLAMP (ceil (view->plot_height * scale - 1e-6), 1.0, MAX_RASTER_SIDE);

  if (!lode_view_get_heatmap_view (view, market, frame->mode, columns, rows, &hv))
    return NULL;

  /* A plot-sized grid of one venue many candles a column wide is made on
   * two threads (the same bits as on one): one puts the levels into the
   * difference arrays, the other sweeps them into cells. Zoomed in to a
   * candle or so a column, the sweep is nearly all the work and the
   * handover costs more than it saves (the last day's frame measured 1.5
   * to 2 ms slower); several venues' grids stay on one thread. */
  if (lode_snapshot_get_n_venues (frame->snapshot) == 1
      && (gsize) columns * rows >= PARALLEL_MIN_CELLS
      && hv.n_candles >= (gsize) columns * PIPELINE_MIN_CANDLES
      && g_get_num_processors () > 1)
    heatmap = lode_heatmap_compute_threaded (lode_snapshot_get_model (frame->snapshot, 0), &hv, 2);
  else
    heatmap = lode_snapshot_compute_heatmap (frame->snapshot, &hv);
  if (heatmap == NULL)
    return NULL;
  if (reference != NULL)
    *reference = heatmap->reference;
  if (!(heatmap->reference > 0.0))
    return NULL;

  /* Every pixel is written below: the pixels are not cleared first, as
   * cairo_image_surface_create() would (a few megabytes a frame). */
  stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, (int) columns);
  pixels = g_try_malloc ((gsize) stride * rows);
  if (stride <= 0 || pixels == NULL)
    {
      g_free (pixels);
      return NULL;
    }
  surface = cairo_image_surface_create_for_data (pixels, CAIRO_FORMAT_ARGB32, (int) columns, (int) rows, stride);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS
      || cairo_surface_set_user_data (surface, &raster_pixels_key, pixels, g_free) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_free (pixels);
      return NULL;
    }

  /* §6: value / reference through the colour map; the curve is applied
   * once per table entry, not once per cell. Entry 0 is an empty cell
   * (transparent), entry 1 + k the map at k / (LUT_SIZE − 1): one lookup a
   * cell, without a branch. */
  gamma = frame->gamma > 0.0 ? frame->gamma : 1.0;
  lut[0] = 0;
  for (guint k = 0; k < LUT_SIZE; k++)
    lut[1 + k] = heat_colour (frame, (double) k / (LUT_SIZE - 1), gamma);
  inv_ref = (LUT_SIZE - 1) / heatmap->reference;

  tiles_x = (columns + TILE - 1) / TILE;
  tiles_y = (rows + TILE - 1) / TILE;
  tiles = g_malloc0 (sizeof (RasterTiles) + (gsize) tiles_x * tiles_y);
  tiles->tiles_x = tiles_x;
  tiles->tiles_y = tiles_y;

  cairo_surface_flush (surface);
  colour_map (heatmap, lut, inv_ref, cairo_image_surface_get_data (surface),
              cairo_image_surface_get_stride (surface), tiles);
  cairo_surface_mark_dirty (surface);
  if (cairo_surface_set_user_data (surface, &raster_tiles_key, tiles, g_free) != CAIRO_STATUS_SUCCESS)
    g_free (tiles);

  if (x != NULL)
    *x = x0;
  if (y != NULL)
    *y = view->plot_y;
  if (width != NULL)
    *width = x1 - x0;
  if (height != NULL)
    *height = view->plot_height;

  return surface;
}

void
lode_chart_render_paint_raster (cairo_t         *cr,
                                const LodeView  *view,
                                cairo_surface_t *raster,
                                double           x,
                                double           y,
                                double           width,
                                double           height)
{
  cairo_pattern_t *pattern;
  double left, top, right, bottom, ox, oy, dev_w, dev_h;
  int columns, rows;
  Ctx c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);

  if (raster == NULL || !(width > 0.0) || !(height > 0.0))
    return;

  columns = cairo_image_surface_get_width (raster);
  rows = cairo_image_surface_get_height (raster);
  if (columns <= 0 || rows <= 0)
    return;

  ctx_init (&c, cr, view, NULL, NULL);
  ctx_device_begin (&c);

  /* Right of the newest candle (the room before the profile band) the
   * current state's heat goes on to the plot's edge, as the levels stay
   * live until price reaches them: the last column is padded out. Left of
   * the first column there is no data, so nothing is drawn. The clip is on
   * whole device pixels: a fractional one would cost a mask. */
  left = round (dx (&c, MAX (x, view->plot_x)));
  top = round (dy (&c, view->plot_y));
  right = round (dx (&c, view->plot_x + view->plot_width));
  bottom = round (dy (&c, view->plot_y + view->plot_height));
  if (!(right > left) || !(bottom > top))
    {
      ctx_device_end (&c);
      return;
    }
  cairo_rectangle (cr, left, top, right - left, bottom - top);
  cairo_clip (cr);

  /* A raster of one cell per device pixel (the usual case: it was made
   * for this view and scale) is placed 1:1 on whole pixels, cairo's fast
   * blit; any other is scaled. */
  ox = dx (&c, x);
  oy = dy (&c, y);
  dev_w = width * c.dev.sx;
  dev_h = height * c.dev.sy;
  if (fabs (dev_w - columns) < 1.0 && fabs (dev_h - rows) < 1.0)
    {
      double end = round (ox) + columns;
      RasterTiles *tiles = cairo_surface_get_user_data (raster, &raster_tiles_key);

      /* pixman has no fast path for an unscaled padded source: blit the
       * raster, then stretch its last column over the rest. Clear tiles
       * would be blitted for nothing: only the others, when the raster
       * says which. */
      cairo_set_source_surface (cr, raster, round (ox), round (oy));
      if (tiles != NULL)
        add_tile_runs (cr, tiles->filled, (int) tiles->tiles_x, (int) tiles->tiles_y, TRUE,
                       round (ox), round (oy), columns, rows);
      else
        cairo_rectangle (cr, left, top, MIN (end, right) - left, bottom - top);
      cairo_fill (cr);

      if (end < right)
        {
          cairo_surface_t *last = cairo_surface_create_for_rectangle (raster, columns - 1, 0, 1, rows);

          cairo_translate (cr, end, round (oy));
          cairo_scale (cr, right - end, 1.0);
          cairo_set_source_surface (cr, last, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
          cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
          cairo_rectangle (cr, 0, top - round (oy), 1.0, bottom - top);
          cairo_fill (cr);
          cairo_surface_destroy (last);
        }
    }
  else
    {
      cairo_translate (cr, ox, oy);
      cairo_scale (cr, dev_w / columns, dev_h / rows);
      cairo_set_source_surface (cr, raster, 0, 0);
      pattern = cairo_get_source (cr);
      cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
      cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
      cairo_paint (cr);
    }

  ctx_device_end (&c);
}

/* Layer 2: base ----------------------------------------------------------- */

static void
draw_time_grid (Ctx    *c,
                GArray *ticks)
{
  const LodeView *v = c->view;
  double y0, y1;

  ctx_device_begin (c);
  y0 = round (dy (c, v->plot_y));
  y1 = round (dy (c, v->plot_y + v->plot_height));
  for (guint i = 0; i < ticks->len; i++)
    {
      double x = floor (dx (c, g_array_index (ticks, TimeTick, i).x)) + 0.5;

      cairo_move_to (c->cr, x, y0);
      cairo_line_to (c->cr, x, y1);
    }
  set_source (c->cr, c->palette->grid);
  cairo_set_line_width (c->cr, 1.0);
  cairo_stroke (c->cr);
  ctx_device_end (c);
}

static void
draw_highlight (Ctx *c)
{
  const LodeView *v = c->view;
  const LodeChartFrame *f = c->frame;
  double y_top, y_bottom, x0, x1, outline[4];

  if (!f->has_highlight)
    return;

  ctx_device_begin (c);
  x0 = round (dx (c, v->plot_x));
  x1 = round (dx (c, v->plot_x + v->plot_width));
  y_top = round (dy (c, lode_view_y_for_price (v, MAX (f->highlight_low, f->highlight_high))));
  y_bottom = round (dy (c, lode_view_y_for_price (v, MIN (f->highlight_low, f->highlight_high))));
  y_top = MAX (y_top, round (dy (c, v->plot_y)) - 1);
  y_bottom = MIN (y_bottom, round (dy (c, v->plot_y + v->plot_height)) + 1);
  if (y_bottom - y_top < 1.0)
    y_bottom = y_top + 1.0;

  cairo_rectangle (c->cr, x0, y_top, x1 - x0, y_bottom - y_top);
  set_source (c->cr, c->palette->highlight);
  cairo_fill (c->cr);

  memcpy (outline, c->palette->highlight, sizeof outline);
  outline[3] = MIN (1.0, outline[3] * 5.0);
  set_source (c->cr, outline);
  cairo_set_line_width (c->cr, 1.0);
  cairo_move_to (c->cr, x0, y_top + 0.5);
  cairo_line_to (c->cr, x1, y_top + 0.5);
  cairo_move_to (c->cr, x0, y_bottom - 0.5);
  cairo_line_to (c->cr, x1, y_bottom - 0.5);
  cairo_stroke (c->cr);
  ctx_device_end (c);
}

/* A rectangle of whole device rows from @ya to @yb (either order), at
 * least one pixel high. */
static void
add_rows (cairo_t *cr,
          double   x,
          double   w,
          double   ya,
          double   yb)
{
  double top = round (MIN (ya, yb));
  double bottom = round (MAX (ya, yb));

  if (bottom - top < 1.0)
    bottom = top + 1.0;
  cairo_rectangle (cr, x, top, w, bottom - top);
}

/* Candles of at least MIN_CANDLE_PX: a body and a one-pixel wick on the
 * pixel column at the candle's centre; bodies get an odd width so the
 * wick sits in the middle. Filled in two passes, one per colour. */
static void
draw_candles_wide (Ctx    *c,
                   gsize   first,
                   gsize   last,
                   double  candle_px)
{
  const LodeView *v = c->view;
  double body_w, price_k, price_0;

  body_w = floor (candle_px * (candle_px >= 5.0 ? 0.72 : 0.8));
  body_w = MAX (body_w, 1.0);
  if (body_w > 2.0 && fmod (body_w, 2.0) == 0.0)
    body_w -= 1.0;

  /* y in device pixels = price_0 + price × price_k */
  price_k = -v->plot_height / (v->price_max - v->price_min) * c->dev.sy;
  price_0 = dy (c, v->plot_y) - v->price_max * price_k;

  for (int pass = 0; pass < 2; pass++)
    {
      gboolean up = pass == 0;

      for (gsize i = first; i < last; i++)
        {
          const LodeCandle *k = &c->candles[i];
          double cx, left;

          if ((k->close >= k->open) != up)
            continue;

          cx = floor (dx (c, lode_view_x_for_index (v, i + 0.5)));
          left = cx - floor ((body_w - 1.0) / 2.0);
          add_rows (c->cr, cx, 1.0, price_0 + k->high * price_k, price_0 + k->low * price_k);
          add_rows (c->cr, left, body_w, price_0 + k->open * price_k, price_0 + k->close * price_k);
        }
      set_source (c->cr, up ? c->palette->candle_up : c->palette->candle_down);
      cairo_fill (c->cr);
    }
}

/* premultiplied ARGB32 of @rgba at @alpha */
static guint32
premultiply (const double rgba[4],
             double       alpha)
{
  double a = CLAMP (rgba[3] * alpha, 0.0, 1.0);

  return ((guint32) round (a * 255) << 24)
         | ((guint32) round (CLAMP (rgba[0], 0.0, 1.0) * a * 255) << 16)
         | ((guint32) round (CLAMP (rgba[1], 0.0, 1.0) * a * 255) << 8)
         | (guint32) round (CLAMP (rgba[2], 0.0, 1.0) * a * 255);
}

/* The aggregated bars (per column: open high low close) written straight
 * into an image and painted once: thousands of one-pixel-wide boxes cost
 * cairo more per box than the pixels cost. The range is faint, the
 * open-to-close body solid; rows on whole device pixels. Only the tiles
 * that hold a bar are cleared and painted, as runs of tiles along each
 * row of tiles: the rest of the layer is never read. */
static void
paint_bars (Ctx          *c,
            const double *agg,
            int           columns,
            double        col0,
            double        price_0,
            double        price_k)
{
  const LodeView *v = c->view;
  cairo_surface_t *layer;
  guint32 colours[4];  /* up wick, up body, down wick, down body */
  double top, bottom, first_row = G_MAXDOUBLE, last_row = -G_MAXDOUBLE;
  g_autofree int *spans = NULL;  /* per column: wick, body rows [y0, y1) */
  g_autofree guint8 *tiles = NULL;
  guint8 *data;
  int stride, rows, tiles_x, tiles_y;

  top = round (dy (c, v->plot_y));
  bottom = round (dy (c, v->plot_y + v->plot_height));

  for (int col = 0; col < columns; col++)
    {
      const double *a = &agg[col * 4];

      if (a[1] < 0.0)
        continue;
      first_row = MIN (first_row, round (price_0 + a[1] * price_k));
      last_row = MAX (last_row, round (price_0 + a[2] * price_k) + 1.0);
    }
  first_row = MAX (first_row, top);
  last_row = MIN (last_row, bottom);
  if (!(last_row > first_row))
    return;
  rows = (int) (last_row - first_row);

  /* Each column's rows in the layer, and the tiles they touch. */
  tiles_x = (columns + TILE - 1) / TILE;
  tiles_y = (rows + TILE - 1) / TILE;
  tiles = g_new0 (guint8, (gsize) tiles_x * tiles_y);
  spans = g_new (int, (gsize) columns * 4);
  for (int col = 0; col < columns; col++)
    {
      const double *a = &agg[col * 4];
      int *span = &spans[col * 4];
      double body_top, body_bottom, wick_top, wick_bottom;

      span[0] = span[1] = 0;
      if (a[1] < 0.0)
        continue;

      wick_top = round (price_0 + a[1] * price_k);
      wick_bottom = round (price_0 + a[2] * price_k);
      body_top = round (price_0 + MAX (a[0], a[3]) * price_k);
      body_bottom = round (price_0 + MIN (a[0], a[3]) * price_k);
      if (body_bottom - body_top < 1.0)
        body_bottom = body_top + 1.0;
      wick_bottom = MAX (wick_bottom, body_bottom);

      span[0] = (int) CLAMP (wick_top - first_row, 0, rows);
      span[1] = (int) CLAMP (wick_bottom - first_row, 0, rows);
      span[2] = (int) CLAMP (body_top - first_row, span[0], span[1]);
      span[3] = (int) CLAMP (body_bottom - first_row, span[2], span[1]);
      if (span[1] > span[0])
        for (int ty = span[0] / TILE; ty <= (span[1] - 1) / TILE; ty++)
          tiles[ty * tiles_x + col / TILE] = TRUE;
    }

  /* Every pixel that is read is written below. */
  stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, columns);
  data = g_try_malloc ((gsize) stride * rows);
  if (stride <= 0 || data == NULL)
    {
      g_free (data);
      return;
    }
  layer = cairo_image_surface_create_for_data (data, CAIRO_FORMAT_ARGB32, columns, rows, stride);
  if (cairo_surface_status (layer) != CAIRO_STATUS_SUCCESS
      || cairo_surface_set_user_data (layer, &raster_pixels_key, data, g_free) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (layer);
      g_free (data);
      return;
    }

  for (int ty = 0; ty < tiles_y; ty++)
    for (int tx = 0; tx < tiles_x; tx++)
      {
        int x0 = tx * TILE, x1 = MIN (x0 + TILE, columns);

        if (!tiles[ty * tiles_x + tx])
          continue;
        for (int y = ty * TILE; y < MIN ((ty + 1) * TILE, rows); y++)
          memset (data + (gsize) y * stride + x0 * 4, 0, (gsize) (x1 - x0) * 4);
      }

  colours[0] = premultiply (c->palette->candle_up, 0.55);
  colours[1] = premultiply (c->palette->candle_up, 1.0);
  colours[2] = premultiply (c->palette->candle_down, 0.55);
  colours[3] = premultiply (c->palette->candle_down, 1.0);

  for (int col = 0; col < columns; col++)
    {
      const double *a = &agg[col * 4];
      const int *span = &spans[col * 4];
      const guint32 *colour;

      if (a[1] < 0.0)
        continue;

      colour = &colours[a[3] >= a[0] ? 0 : 2];
      for (int y = span[0]; y < span[1]; y++)
        *(guint32 *) (gpointer) (data + (gsize) y * stride + col * 4)
          = colour[y >= span[2] && y < span[3] ? 1 : 0];
    }
  cairo_surface_mark_dirty (layer);

  /* The bars of a long series follow the price as a thin band through a
   * layer the size of the plot: only the tiles that hold a bar, in one
   * fill. */
  add_tile_runs (c->cr, tiles, tiles_x, tiles_y, FALSE, col0, first_row, columns, rows);
  cairo_set_source_surface (c->cr, layer, col0, first_row);
  cairo_fill (c->cr);
  cairo_surface_destroy (layer);
}

/* Candles thinner than MIN_CANDLE_PX: one bar per device pixel column over
 * the candles whose centre falls in it (first open, highest high, lowest
 * low, last close): the range faint, open-to-close solid. With a candle
 * index a column costs a few dozen reads, however many candles it holds. */
static void
draw_candles_aggregated (Ctx   *c,
                         gsize  first,
                         gsize  last)
{
  const LodeView *v = c->view;
  const LodeCandleIndex *index = c->frame->candle_index;
  g_autofree double *agg = NULL;  /* per column: open high low close */
  double col0, price_k, price_0, x_k, x_0;
  int columns;
  gsize start;

  if (index != NULL && lode_candle_index_get_market (index) != c->market)
    index = NULL;

  col0 = floor (dx (c, v->plot_x));
  columns = (int) ceil (dx (c, v->plot_x + v->plot_width)) - (int) col0;
  if (columns <= 0)
    return;
  agg = g_new (double, (gsize) columns * 4);

  /* device x of the centre of candle i = x_0 + i × x_k; column col holds
   * the candles with col0 + col ≤ x < col0 + col + 1. */
  x_k = v->plot_width / (v->index_max - v->index_min) * c->dev.sx;
  x_0 = dx (c, lode_view_x_for_index (v, 0.5));
  price_k = -v->plot_height / (v->price_max - v->price_min) * c->dev.sy;
  price_0 = dy (c, v->plot_y) - v->price_max * price_k;

  start = first;
  for (int col = 0; col < columns; col++)
    {
      double *a = &agg[col * 4];
      double end_d = ceil ((col0 + col + 1 - x_0) / x_k);
      gsize end = (gsize) CLAMP (end_d, (double) start, (double) last);

      a[1] = -1.0;  /* empty */
      if (end > start)
        {
          a[0] = c->candles[start].open;
          a[3] = c->candles[end - 1].close;
          if (index != NULL)
            lode_candle_index_range (index, start, end, &a[1], &a[2]);
          else
            {
              a[1] = -G_MAXDOUBLE;
              a[2] = G_MAXDOUBLE;
              for (gsize i = start; i < end; i++)
                {
                  a[1] = MAX (a[1], c->candles[i].high);
                  a[2] = MIN (a[2], c->candles[i].low);
                }
            }
        }
      start = end;
    }

  paint_bars (c, agg, columns, col0, price_0, price_k);
}

/* The candle a stream is building (issue 6): one body and wick in the
 * candles' style at its index, in logical pixels. */
static void
draw_live_candle (Ctx *c)
{
  const LodeView *v = c->view;
  const LodeCandle *k;
  const double *rgba;
  double x0, x1, xc, w, y_open, y_close, y_high, y_low, top, height;

  if (c->live_index < 0)
    return;

  k = c->frame->live_candle;
  x0 = lode_view_x_for_index (v, c->live_index);
  x1 = lode_view_x_for_index (v, c->live_index + 1);
  if (x1 < v->plot_x || x0 > v->plot_x + v->plot_width)
    return;

  xc = floor ((x0 + x1) / 2.0) + 0.5;
  w = MAX (1.0, floor ((x1 - x0) * 0.72));
  y_open = lode_view_y_for_price (v, k->open);
  y_close = lode_view_y_for_price (v, k->close);
  y_high = lode_view_y_for_price (v, k->high);
  y_low = lode_view_y_for_price (v, k->low);
  top = MIN (y_open, y_close);
  height = MAX (1.0, fabs (y_close - y_open));
  rgba = k->close >= k->open ? c->palette->candle_up : c->palette->candle_down;

  cairo_save (c->cr);
  cairo_rectangle (c->cr, v->plot_x, v->plot_y, v->plot_width, v->plot_height);
  cairo_clip (c->cr);
  cairo_set_source_rgba (c->cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  cairo_set_line_width (c->cr, 1.0);
  cairo_move_to (c->cr, xc, y_high);
  cairo_line_to (c->cr, xc, y_low);
  cairo_stroke (c->cr);
  cairo_rectangle (c->cr, xc - w / 2.0, top, w, height);
  cairo_fill (c->cr);
  cairo_restore (c->cr);
}

static void
draw_candles (Ctx *c)
{
  const LodeView *v = c->view;
  double first_d, last_d, candle_px;

  if (c->n_candles == 0)
    return;

  first_d = MAX (floor (v->index_min), 0.0);
  last_d = MIN (ceil (v->index_max), (double) c->n_candles);
  /* The live candle is drawn in place of the stale last one. */
  if (c->live_index == (gssize) c->n_candles - 1)
    last_d = MIN (last_d, (double) c->n_candles - 1);
  if (!(last_d > first_d))
    {
      draw_live_candle (c);
      return;
    }

  candle_px = v->plot_width / (v->index_max - v->index_min) * c->dev.sx;

  ctx_device_begin (c);
  cairo_rectangle (c->cr, round (dx (c, v->plot_x)), round (dy (c, v->plot_y)),
                   round (v->plot_width * c->dev.sx), round (v->plot_height * c->dev.sy));
  cairo_clip (c->cr);
  if (candle_px >= MIN_CANDLE_PX)
    draw_candles_wide (c, (gsize) first_d, (gsize) last_d, candle_px);
  else
    draw_candles_aggregated (c, (gsize) first_d, (gsize) last_d);
  ctx_device_end (c);

  draw_live_candle (c);
}

static void
draw_last_price_line (Ctx *c)
{
  const LodeView *v = c->view;
  double y, dash;

  if (c->n_candles == 0)
    return;

  y = lode_view_y_for_price (v, c->last_close);
  if (y < v->plot_y || y > v->plot_y + v->plot_height)
    return;

  ctx_device_begin (c);
  y = floor (dy (c, y)) + 0.5;
  dash = 3.0 * c->dev.sx;
  cairo_set_dash (c->cr, (double[]) { dash, dash }, 2, 0);
  cairo_set_line_width (c->cr, 1.0);
  cairo_move_to (c->cr, round (dx (c, v->plot_x)), y);
  cairo_line_to (c->cr, round (dx (c, v->plot_x + v->plot_width)), y);
  set_source (c->cr, c->palette->last_price);
  cairo_stroke (c->cr);
  ctx_device_end (c);
}

guint
lode_chart_profile_rows (const LodeView *view)
{
  g_return_val_if_fail (view != NULL, 1);

  return (guint) MAX (floor (view->plot_height / PROFILE_ROW_PX), 1.0);
}

/* The numbers of the §7 profile: per row of lode_chart_profile_rows() the
 * long and short liquidations, and the fuel at each point of the two
 * curves, from the close down to the plot's bottom and up to its top
 * (FUEL_STEP_PX apart, as draw_profile() walks them). */
struct _Profile
{
  LodeLevelSet   *current;
  const LodeView *view;
  guint           rows;
  double         *long_usd;
  double         *short_usd;
  GArray         *fuel[2];  /* double; [0] below the close, [1] above */
  double          fuel_low;
  double          fuel_high;
};

/* The fuel curve's points from the close towards the plot's bottom
 * (@below) or top, in logical y; what profile_compute() samples and
 * draw_profile() draws, walked the same way by both. */
#define FOR_FUEL_POINT(v, y_close, below, y)                                   \
  for (double y = (y_close);                                                   \
       (below) ? y <= (v)->plot_y + (v)->plot_height : y >= (v)->plot_y;        \
       y += (below) ? FUEL_STEP_PX : -FUEL_STEP_PX)

static double
profile_y_close (const LodeView *v,
                 double          close)
{
  return CLAMP (lode_view_y_for_price (v, close), v->plot_y, v->plot_y + v->plot_height);
}

/* The level set's prefix sums answer each row and each point in
 * O(log levels), but each such search misses the cache a dozen times:
 * about 0.6 ms for a 1080-pixel plot, which profile_start() moves off the
 * drawing thread. */
static void
profile_compute (Profile *p)
{
  const LodeView *v = p->view;
  double close = lode_level_set_get_close (p->current);
  double row_size = (v->price_max - v->price_min) / p->rows;

  /* The rows of lode_profile_new() over the plot's prices. */
  for (guint r = 0; r < p->rows; r++)
    {
      double lo = v->price_min + r * row_size;

      p->long_usd[r] = lode_level_set_sum_range (p->current, LODE_SIDE_LONG, lo, lo + row_size);
      p->short_usd[r] = lode_level_set_sum_range (p->current, LODE_SIDE_SHORT, lo, lo + row_size);
    }

  /* Fuel grows from the close outward; its largest values are at the
   * edges of the view. */
  p->fuel_low = close > v->price_min ? lode_level_set_fuel (p->current, MIN (v->price_min, close)) : 0.0;
  p->fuel_high = close < v->price_max ? lode_level_set_fuel (p->current, MAX (v->price_max, close)) : 0.0;
  for (int side = 0; side < 2; side++)
    {
      gboolean below = side == 0;

      if ((below && close <= v->price_min) || (!below && close >= v->price_max))
        continue;
      FOR_FUEL_POINT (v, profile_y_close (v, close), below, y)
        {
          double fuel = lode_level_set_fuel (p->current, lode_view_price_for_y (v, y));

          g_array_append_val (p->fuel[side], fuel);
        }
    }
}

static gpointer
profile_thread (gpointer data)
{
  profile_compute (data);

  return NULL;
}

/* Starts computing the profile's numbers in a second thread, for
 * draw_profile() to pick up: the candles are drawn meanwhile. The level
 * set is immutable and the numbers are the same in any thread. */
static void
profile_start (Ctx *c)
{
  const LodeView *v = c->view;
  Profile *p;

  if (!c->frame->show_profile || c->current == NULL || v->profile_width < 8.0)
    return;

  p = g_new0 (Profile, 1);
  p->current = lode_level_set_ref (c->current);
  p->view = v;
  p->rows = lode_chart_profile_rows (v);
  p->long_usd = g_new (double, p->rows);
  p->short_usd = g_new (double, p->rows);
  for (int side = 0; side < 2; side++)
    p->fuel[side] = g_array_new (FALSE, FALSE, sizeof (double));
  c->profile = p;

  if (g_get_num_processors () > 1)
    c->profile_thread = g_thread_try_new ("lode-profile", profile_thread, p, NULL);
  if (c->profile_thread == NULL)
    profile_compute (p);
}

static void
profile_free (Profile *p)
{
  lode_level_set_unref (p->current);
  g_free (p->long_usd);
  g_free (p->short_usd);
  for (int side = 0; side < 2; side++)
    g_array_unref (p->fuel[side]);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Profile, profile_free)

/* The numbers of profile_start(), once they are there; the caller's. */
static Profile *
profile_finish (Ctx *c)
{
  if (c->profile_thread != NULL)
    g_thread_join (g_steal_pointer (&c->profile_thread));

  return g_steal_pointer (&c->profile);
}

/* §7 profile of the current state along the plot's right edge: bars per
 * row growing leftwards from the edge, long below the close and short
 * above, and the cumulative fuel from the close outward as two curves.
 * Bars and curves have their own scales, each filling the band. */
static void
draw_profile (Ctx *c)
{
  const LodeView *v = c->view;
  g_autoptr(Profile) p = profile_finish (c);
  double right, band, bar_max = 0.0, fuel_max, row_h, close;

  if (p == NULL)
    return;

  right = v->plot_x + v->plot_width;
  band = v->profile_width;
  row_h = v->plot_height / p->rows;
  close = lode_level_set_get_close (p->current);

  /* A backdrop so the bars read over the heat. */
  cairo_save (c->cr);
  cairo_rectangle (c->cr, right - band, v->plot_y, band, v->plot_height);
  set_source_alpha (c->cr, c->palette->background, 0.6);
  cairo_fill (c->cr);

  for (guint r = 0; r < p->rows; r++)
    bar_max = MAX (bar_max, MAX (p->long_usd[r], p->short_usd[r]));

  /* Bars on whole device pixels (crisp, and cairo's fast path), with a
   * one-pixel gap between rows. */
  if (bar_max > 0.0)
    {
      double x_right = round (dx (c, right));

      ctx_device_begin (c);
      for (int pass = 0; pass < 2; pass++)
        {
          const double *values = pass == 0 ? p->long_usd : p->short_usd;

          for (guint r = 0; r < p->rows; r++)
            {
              double len = round (values[r] / bar_max * (band - 2.0) * c->dev.sx);
              double y_bottom = round (dy (c, v->plot_y + v->plot_height - r * row_h));
              double y_top = round (dy (c, v->plot_y + v->plot_height - (r + 1) * row_h));

              if (len < 1.0)
                continue;
              cairo_rectangle (c->cr, x_right - len, y_top, len, MAX (y_bottom - y_top - 1.0, 1.0));
            }
          set_source_alpha (c->cr, pass == 0 ? c->palette->profile_long : c->palette->profile_short, 0.8);
          cairo_fill (c->cr);
        }
      ctx_device_end (c);
    }

  fuel_max = MAX (p->fuel_low, p->fuel_high);
  if (fuel_max > 0.0)
    {
      cairo_set_line_width (c->cr, 1.5);
      cairo_set_line_join (c->cr, CAIRO_LINE_JOIN_ROUND);
      for (int pass = 0; pass < 2; pass++)
        {
          gboolean below = pass == 0;
          double y_close = profile_y_close (v, close);
          double y_end = below ? v->plot_y + v->plot_height : v->plot_y;
          guint i = 0;

          if ((below && close <= v->price_min) || (!below && close >= v->price_max))
            continue;

          cairo_move_to (c->cr, right, y_close);
          FOR_FUEL_POINT (v, y_close, below, y)
            {
              double fuel = g_array_index (p->fuel[pass], double, i++);

              cairo_line_to (c->cr, right - fuel / fuel_max * (band - 2.0), y);
            }
          cairo_line_to (c->cr, right - (below ? p->fuel_low : p->fuel_high) / fuel_max * (band - 2.0), y_end);
          set_source (c->cr, below ? c->palette->profile_long : c->palette->profile_short);
          cairo_stroke (c->cr);
        }
    }

  /* The band's edge. */
  cairo_set_line_width (c->cr, 1.0);
  cairo_move_to (c->cr, floor (right - band) + 0.5, v->plot_y);
  cairo_line_to (c->cr, floor (right - band) + 0.5, v->plot_y + v->plot_height);
  set_source (c->cr, c->palette->grid);
  cairo_stroke (c->cr);
  cairo_restore (c->cr);
}

static void
draw_axes (Ctx    *c,
           GArray *tticks)
{
  const LodeView *v = c->view;
  double right = v->plot_x + v->plot_width;
  double bottom = v->plot_y + v->plot_height;
  PriceTicks ticks;
  double last_label_right = -G_MAXDOUBLE;

  /* The axes' panels, over anything that spilled out of the plot. */
  set_source (c->cr, c->palette->axis_background);
  cairo_rectangle (c->cr, right, 0, v->width - right, v->height);
  cairo_rectangle (c->cr, 0, bottom, right, v->height - bottom);
  cairo_fill (c->cr);

  ctx_device_begin (c);
  cairo_set_line_width (c->cr, 1.0);
  cairo_move_to (c->cr, floor (dx (c, right)) + 0.5, round (dy (c, v->plot_y)));
  cairo_line_to (c->cr, floor (dx (c, right)) + 0.5, round (dy (c, bottom)));
  cairo_move_to (c->cr, round (dx (c, v->plot_x)), floor (dy (c, bottom)) + 0.5);
  cairo_line_to (c->cr, round (dx (c, right)), floor (dy (c, bottom)) + 0.5);
  set_source_alpha (c->cr, c->palette->text, 0.25);
  cairo_stroke (c->cr);
  ctx_device_end (c);

  /* Price labels, vertically centred on their ticks; an empty frame has
   * no prices to label. */
  price_ticks (v, &ticks);
  if (c->market == NULL)
    ticks.count = 0;
  for (guint i = 0; i < ticks.count; i++)
    {
      double price = ticks.first + i * ticks.step;
      double y = lode_view_y_for_price (v, price);
      g_autofree char *label = lode_axes_format_price (price, ticks.decimals);
      int w, h;

      text_set (c, label, FALSE);
      text_size (c, &w, &h);
      if (y - h / 2.0 < v->plot_y || y + h / 2.0 > bottom)
        continue;
      text_show (c, right + 8.0, y, 0.0, 0.5, c->palette->text);
    }

  /* Time labels, centred on their ticks, skipping any that would touch
   * the one before. */
  for (guint i = 0; i < tticks->len; i++)
    {
      const TimeTick *tick = &g_array_index (tticks, TimeTick, i);
      g_autofree char *label = lode_axes_format_time_tick (tick->time_ms, c->tz);
      int w, h;

      text_set (c, label, FALSE);
      text_size (c, &w, &h);
      if (tick->x - w / 2.0 < MAX (last_label_right + 12.0, v->plot_x + 2.0)
          || tick->x + w / 2.0 > right)
        continue;
      text_show (c, tick->x, bottom + 5.0, 0.5, 0.0, c->palette->text);
      last_label_right = tick->x + w / 2.0;
    }
}

/* A tag on the price axis: a filled box with a pointer towards the plot. */
static void
price_tag (Ctx          *c,
           double        y,
           const char   *text,
           const double  fill[4])
{
  const LodeView *v = c->view;
  double x = v->plot_x + v->plot_width;
  double text_rgba[4];
  int w, h;

  text_set (c, text, TRUE);
  text_size (c, &w, &h);
  y = CLAMP (y, v->plot_y + h / 2.0 + 2.0, v->plot_y + v->plot_height - h / 2.0 - 2.0);

  cairo_move_to (c->cr, x, y);
  cairo_line_to (c->cr, x + 5.0, y - h / 2.0 - 2.0);
  cairo_line_to (c->cr, v->width, y - h / 2.0 - 2.0);
  cairo_line_to (c->cr, v->width, y + h / 2.0 + 2.0);
  cairo_line_to (c->cr, x + 5.0, y + h / 2.0 + 2.0);
  cairo_close_path (c->cr);
  set_source (c->cr, fill);
  cairo_fill (c->cr);

  contrast_text (fill, text_rgba);
  text_show (c, x + 8.0, y, 0.0, 0.5, text_rgba);
}

static void
draw_last_price_tag (Ctx *c)
{
  const LodeView *v = c->view;
  g_autofree char *text = NULL;
  PriceTicks ticks;
  double y;

  if (c->n_candles == 0)
    return;

  y = lode_view_y_for_price (v, c->last_close);
  if (y < v->plot_y || y > v->plot_y + v->plot_height)
    return;

  price_ticks (v, &ticks);
  text = lode_axes_format_price (c->last_close, tag_decimals (c->last_close, ticks.decimals));
  price_tag (c, y, text, c->palette->last_price);
}

static const char *
mode_name (LodeRenderMode mode)
{
  switch (mode)
    {
    case LODE_RENDER_MODE_RAW:
      return _("Raw heatmap");
    case LODE_RENDER_MODE_SMOOTHED:
      return _("Smoothed heatmap");
    case LODE_RENDER_MODE_LONG:
      return _("Long liquidations");
    case LODE_RENDER_MODE_SHORT:
      return _("Short liquidations");
    default:
      return "";
    }
}

static char *
venue_title (Ctx *c)
{
  LodeSnapshot *snapshot = c->frame->snapshot;
  const char *symbol = lode_snapshot_get_symbol (snapshot);
  g_autoptr(GString) venues = g_string_new (NULL);

  for (guint i = 0; i < lode_snapshot_get_n_venues (snapshot); i++)
    {
      const char *label = lode_snapshot_get_venue_label (snapshot, i);

      if (label == NULL || *label == '\0')
        continue;
      if (venues->len > 0)
        g_string_append (venues, " + ");
      g_string_append (venues, label);
    }

  if (symbol != NULL && *symbol != '\0' && venues->len > 0)
    /* Translators: the chart's title, "BTCUSDT · Demo market (simulated)". */
    return g_strdup_printf (_("%s · %s"), symbol, venues->str);
  if (symbol != NULL && *symbol != '\0')
    return g_strdup (symbol);

  return g_string_free (g_steal_pointer (&venues), FALSE);
}

/* The legend, top-left of the plot: title, mode, and the colour scale from
 * 0 to the view's reference value. */
static void
draw_legend (Ctx    *c,
             double  reference)
{
  const LodeView *v = c->view;
  const LodeChartFrame *f = c->frame;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *ref_text = NULL;
  cairo_surface_t *bar;
  const double pad = 8.0, bar_w = 132.0, bar_h = 8.0;
  double x = v->plot_x + 10.0, y = v->plot_y + 10.0, box_w, box_h, gamma;
  int tw, th, sw, sh, rw, rh;

  if (!f->show_legend || f->snapshot == NULL)
    return;
  if (v->plot_width < 200.0 || v->plot_height < 90.0)
    return;

  title = venue_title (c);
  /* Translators: the legend's second line: the mode, then a note that the
   * heatmap is a model's estimate, not real positions. */
  subtitle = g_strdup_printf (_("%s · Estimate"), mode_name (f->mode));
  ref_text = reference > 0.0 ? lode_format_usd (reference) : g_strdup ("—");

  text_set (c, title, TRUE);
  text_size (c, &tw, &th);
  text_set (c, subtitle, FALSE);
  text_size (c, &sw, &sh);
  text_set (c, ref_text, FALSE);
  text_size (c, &rw, &rh);

  box_w = 2 * pad + MAX (MAX (tw, sw), bar_w + 8.0 + rw);
  box_w = MIN (box_w, v->plot_width - v->profile_width - 20.0);
  box_h = pad + th + 2.0 + sh + 8.0 + MAX (bar_h, rh) + pad;

  cairo_save (c->cr);
  panel_box (c, x, y, box_w, box_h, 0.78);
  cairo_rectangle (c->cr, x, y, box_w, box_h);
  cairo_clip (c->cr);

  text_set (c, title, TRUE);
  text_show (c, x + pad, y + pad, 0.0, 0.0, c->palette->text);
  text_set (c, subtitle, FALSE);
  text_show (c, x + pad, y + pad + th + 2.0, 0.0, 0.0, c->palette->text);

  /* The scale bar: the colour map as the heatmap uses it. */
  gamma = f->gamma > 0.0 ? f->gamma : 1.0;
  bar = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) bar_w, 1);
  if (cairo_surface_status (bar) == CAIRO_STATUS_SUCCESS)
    {
      guint32 *px;
      double bar_y = y + pad + th + 2.0 + sh + 8.0 + (MAX (bar_h, rh) - bar_h) / 2.0;

      cairo_surface_flush (bar);
      px = (guint32 *) (gpointer) cairo_image_surface_get_data (bar);
      for (int i = 0; i < (int) bar_w; i++)
        px[i] = heat_colour (f, (i + 0.5) / bar_w, gamma);
      cairo_surface_mark_dirty (bar);

      cairo_save (c->cr);
      cairo_rectangle (c->cr, x + pad, bar_y, bar_w, bar_h);
      cairo_clip (c->cr);
      cairo_translate (c->cr, x + pad, bar_y);
      cairo_scale (c->cr, 1.0, bar_h);
      cairo_set_source_surface (c->cr, bar, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (c->cr), CAIRO_FILTER_NEAREST);
      cairo_paint (c->cr);
      cairo_restore (c->cr);

      cairo_rectangle (c->cr, x + pad - 0.5, bar_y - 0.5, bar_w + 1.0, bar_h + 1.0);
      set_source (c->cr, c->palette->grid);
      cairo_set_line_width (c->cr, 1.0);
      cairo_stroke (c->cr);

      text_set (c, ref_text, FALSE);
      text_show (c, x + pad + bar_w + 8.0, bar_y + bar_h / 2.0, 0.0, 0.5, c->palette->text);
    }
  cairo_surface_destroy (bar);
  cairo_restore (c->cr);
}

static void
draw_message (Ctx *c)
{
  const LodeView *v = c->view;
  PangoFontDescription *font;
  PangoRectangle logical;
  double box_w, box_h, cx, cy;

  if (c->frame == NULL || c->frame->message == NULL || *c->frame->message == '\0')
    return;

  ctx_ensure_text (c);
  font = pango_font_description_from_string (FONT_MESSAGE);
  pango_layout_set_font_description (c->layout, font);
  pango_layout_set_text (c->layout, c->frame->message, -1);
  pango_layout_set_width (c->layout, (int) (MIN (v->width * 0.8, 480.0) * PANGO_SCALE));
  pango_layout_set_wrap (c->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (c->layout, PANGO_ALIGN_CENTER);
  /* Centred lines sit inside the layout's width: place the text by its
   * logical extents, not by the layout's origin. */
  pango_layout_get_pixel_extents (c->layout, NULL, &logical);
  pango_font_description_free (font);

  box_w = logical.width + 32.0;
  box_h = logical.height + 20.0;
  cx = v->plot_x + v->plot_width / 2.0;
  cy = v->plot_y + v->plot_height / 2.0;

  panel_box (c, round (cx - box_w / 2.0), round (cy - box_h / 2.0), box_w, box_h, 0.92);
  set_source (c->cr, c->palette->text);
  cairo_move_to (c->cr, round (cx - logical.width / 2.0 - logical.x),
                 round (cy - logical.height / 2.0 - logical.y));
  pango_cairo_show_layout (c->cr, c->layout);

  pango_layout_set_alignment (c->layout, PANGO_ALIGN_LEFT);
  pango_layout_set_wrap (c->layout, PANGO_WRAP_WORD);
}

/* Order flow: depth, confluence, cascade (issue 6) ------------------------ */

/* Width of the depth band, left of the liquidation profile band: a narrow
 * second profile that stays, at usual sizes, within the room
 * lode_view_fit_latest() leaves right of the newest candle. */
static double
depth_band_width (const LodeView *v)
{
  return floor (MIN (v->profile_width * 0.35, 44.0));
}

/* The frame's book over the profile's rows (lode_chart_profile_rows()). */
static LodeDepthProfile *
depth_rows (Ctx    *c,
            double *max_usd)
{
  const LodeView *v = c->view;
  LodeDepthProfile *depth;

  *max_usd = 0.0;
  if (c->frame->book == NULL)
    return NULL;

  depth = lode_depth_profile_new (c->frame->book, v->price_min, v->price_max,
                                  lode_chart_profile_rows (v));
  for (guint r = 0; r < depth->rows; r++)
    *max_usd = MAX (*max_usd, MAX (depth->bid_usd[r], depth->ask_usd[r]));

  return depth;
}

/* Whole device rows of profile row @r, bottom-up, at least one pixel. */
static void
row_span (Ctx    *c,
          guint   r,
          guint   rows,
          double *y_top,
          double *y_bottom)
{
  const LodeView *v = c->view;
  double row_h = v->plot_height / rows;

  *y_bottom = round (dy (c, v->plot_y + v->plot_height - r * row_h));
  *y_top = round (dy (c, v->plot_y + v->plot_height - (r + 1) * row_h));
  if (*y_bottom - *y_top < 1.0)
    *y_bottom = *y_top + 1.0;
}

/* The book as faint horizontal bands across the plot, under the candles:
 * the more resting notional a row holds, the less faint its band. */
static void
draw_depth_bands (Ctx *c)
{
  const LodeView *v = c->view;
  g_autoptr(LodeDepthProfile) depth = NULL;
  double max_usd, x0, x1;

  if (!c->frame->show_depth_bands)
    return;
  depth = depth_rows (c, &max_usd);
  if (depth == NULL || !(max_usd > 0.0))
    return;

  ctx_device_begin (c);
  x0 = round (dx (c, v->plot_x));
  x1 = round (dx (c, v->plot_x + v->plot_width));
  for (int pass = 0; pass < 2; pass++)
    {
      const double *usd = pass == 0 ? depth->bid_usd : depth->ask_usd;
      const double *rgba = pass == 0 ? c->palette->depth_bid : c->palette->depth_ask;

      for (guint r = 0; r < depth->rows; r++)
        {
          double y_top, y_bottom;

          if (!(usd[r] > 0.0))
            continue;
          row_span (c, r, depth->rows, &y_top, &y_bottom);
          cairo_rectangle (c->cr, x0, y_top, x1 - x0, y_bottom - y_top);
          /* Faint, so that heat and candles stay readable through it. */
          set_source_alpha (c->cr, rgba, 0.04 + 0.22 * sqrt (usd[r] / max_usd));
          cairo_fill (c->cr);
        }
    }
  ctx_device_end (c);
}

/* The book as a second profile in a narrow band left of the liquidation
 * profile: bars per row growing leftwards from the band's right edge,
 * bids and asks in their colours. The length goes with the square root of
 * the row's notional over the largest row in view: a wall tens of times
 * the usual row would otherwise flatten the rest of the book to dots. */
static void
draw_depth_profile (Ctx *c)
{
  const LodeView *v = c->view;
  g_autoptr(LodeDepthProfile) depth = NULL;
  double max_usd, band, right;

  if (!c->frame->show_profile || c->frame->book == NULL || v->profile_width < 8.0)
    return;
  band = depth_band_width (v);
  if (band < 6.0)
    return;
  right = v->plot_x + v->plot_width - v->profile_width;

  cairo_save (c->cr);
  cairo_rectangle (c->cr, right - band, v->plot_y, band, v->plot_height);
  set_source_alpha (c->cr, c->palette->background, 0.6);
  cairo_fill (c->cr);

  depth = depth_rows (c, &max_usd);
  if (depth != NULL && max_usd > 0.0)
    {
      double x_right = round (dx (c, right)) - 1.0;

      ctx_device_begin (c);
      for (int pass = 0; pass < 2; pass++)
        {
          const double *usd = pass == 0 ? depth->bid_usd : depth->ask_usd;

          for (guint r = 0; r < depth->rows; r++)
            {
              double len = round (sqrt (usd[r] / max_usd) * (band - 3.0) * c->dev.sx);
              double y_top, y_bottom;

              if (!(usd[r] > 0.0))
                continue;
              /* A row that holds anything shows, however small. */
              len = MAX (len, 1.0);
              row_span (c, r, depth->rows, &y_top, &y_bottom);
              cairo_rectangle (c->cr, x_right - len, y_top, len, MAX (y_bottom - y_top - 1.0, 1.0));
            }
          set_source_alpha (c->cr, pass == 0 ? c->palette->depth_bid : c->palette->depth_ask, 0.85);
          cairo_fill (c->cr);
        }
      ctx_device_end (c);
    }

  /* The band's left edge. */
  cairo_set_line_width (c->cr, 1.0);
  cairo_move_to (c->cr, floor (right - band) + 0.5, v->plot_y);
  cairo_line_to (c->cr, floor (right - band) + 0.5, v->plot_y + v->plot_height);
  set_source (c->cr, c->palette->grid);
  cairo_stroke (c->cr);
  cairo_restore (c->cr);
}

/* Confluence zones: an outline across the profile bands and a bar on the
 * price axis's edge, over the zone's prices with four pixels to spare on
 * each side, so that a narrow zone still shows and the outline does not
 * hide the wall's bar inside it. Drawn after the axes. */
static void
draw_confluence (Ctx *c)
{
  const LodeView *v = c->view;
  const GArray *zones = c->frame->confluence;
  double right = v->plot_x + v->plot_width;
  double left = right;

  if (zones == NULL || zones->len == 0)
    return;

  if (c->frame->show_profile && v->profile_width >= 8.0)
    {
      left -= v->profile_width;
      if (c->frame->book != NULL)
        left -= depth_band_width (v);
    }

  cairo_save (c->cr);
  cairo_rectangle (c->cr, v->plot_x, v->plot_y, v->width - v->plot_x, v->plot_height);
  cairo_clip (c->cr);
  for (guint i = 0; i < zones->len; i++)
    {
      const LodeConfluenceZone *zone = &g_array_index (zones, LodeConfluenceZone, i);
      double y_top = lode_view_y_for_price (v, MAX (zone->price_low, zone->price_high));
      double y_bottom = lode_view_y_for_price (v, MIN (zone->price_low, zone->price_high));
      double mid;

      if (y_bottom < v->plot_y || y_top > v->plot_y + v->plot_height)
        continue;
      mid = (y_top + y_bottom) / 2.0;
      y_top = round (MIN (y_top, mid - 2.0)) - 4.0;
      y_bottom = round (MAX (y_bottom, mid + 2.0)) + 4.0;

      if (right - left >= 8.0)
        {
          cairo_rectangle (c->cr, round (left) + 1.0, y_top + 0.75, round (right - left) - 2.0, y_bottom - y_top - 1.5);
          set_source (c->cr, c->palette->confluence);
          cairo_set_line_width (c->cr, 1.5);
          cairo_stroke (c->cr);
        }

      /* The axis marker: a bar with a notch pointing at the plot. */
      cairo_rectangle (c->cr, round (right) + 1.0, y_top, 4.0, y_bottom - y_top);
      mid = round ((y_top + y_bottom) / 2.0);
      cairo_move_to (c->cr, round (right) + 5.0, mid - 3.0);
      cairo_line_to (c->cr, round (right) + 8.0, mid);
      cairo_line_to (c->cr, round (right) + 5.0, mid + 3.0);
      cairo_close_path (c->cr);
      set_source (c->cr, c->palette->confluence);
      cairo_fill (c->cr);
    }
  cairo_restore (c->cr);
}

char *
lode_chart_cascade_describe (const LodeCascade *cascade)
{
  g_autofree char *trigger = NULL;
  g_autofree char *usd = NULL;
  g_autofree char *target = NULL;
  g_autofree char *sentence = NULL;

  g_return_val_if_fail (cascade != NULL, NULL);

  trigger = lode_format_price (cascade->trigger);
  usd = lode_format_usd (cascade->liquidated_usd);
  target = lode_format_price (cascade->final_price);

  if (cascade->n_steps == 0 && !cascade->book_exhausted)
    /* Translators: a price, then a USD amount: the resting orders of the
     * book take the forced orders without a further move. */
    sentence = g_strdup_printf (_("If price touches %s, the order book absorbs forced orders of about %s"),
                                trigger, usd);
  else if (cascade->n_steps == 0)
    /* Translators: a price, then a USD amount. */
    sentence = g_strdup_printf (_("If price touches %s, forced orders of about %s exceed the known order book"),
                                trigger, usd);
  else
    /* Translators: a price, a USD amount, then the price the cascade of
     * forced orders could reach. */
    sentence = g_strdup_printf (_("If price touches %s, forced orders of about %s could carry it to %s"),
                                trigger, usd, target);

  if (!cascade->book_exhausted || cascade->n_steps == 0)
    return g_steal_pointer (&sentence);

  /* Translators: the cascade stopped where the known order book ends. */
  return g_strdup_printf ("%s\n%s", sentence, _("The known order book ends there: the move could go further"));
}

/* The §8 cascade of the frame, or NULL (with @error set when it needs
 * depth). Cheap enough to compute per draw: a few binary searches a step. */
static LodeCascade *
frame_cascade (Ctx     *c,
               GError **error)
{
  if (!c->frame->has_cascade || c->current == NULL || !isfinite (c->frame->cascade_trigger))
    return NULL;

  return lode_cascade_estimate (c->current, c->frame->book, c->frame->cascade_trigger, error);
}

/* The staircase: a segment at each p_k, left to right, joined by arrows
 * from p_k to p_{k+1}, each labelled with V_k (cumulative USD), ending
 * left of the profile bands. */
static double
cascade_start (const LodeView *v,
               guint           n,
               double          x_end)
{
  double col_w = CLAMP ((x_end - v->plot_x) * 0.5 / MAX (n, 1), 28.0, 76.0);

  return MAX (v->plot_x + 4.0, x_end - n * col_w);
}

static void
draw_cascade_steps (Ctx               *c,
                    const LodeCascade *cascade,
                    double             x_end)
{
  const LodeView *v = c->view;
  guint n = cascade->steps->len;
  double col_w, x_start, halo[4];
  gboolean falling = cascade->side == LODE_SIDE_LONG;

  x_start = cascade_start (v, n, x_end);
  col_w = (x_end - x_start) / n;
  if (!(col_w > 0.0))
    return;

  memcpy (halo, c->palette->background, sizeof halo);
  halo[3] = 0.75;

  cairo_save (c->cr);
  cairo_rectangle (c->cr, v->plot_x, v->plot_y, v->plot_width, v->plot_height);
  cairo_clip (c->cr);
  cairo_set_line_cap (c->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (c->cr, CAIRO_LINE_JOIN_ROUND);

  /* Twice: a wide halo in the background colour so that the steps read
   * over heat and candles, then the steps. */
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint k = 0; k < n; k++)
        {
          const LodeCascadeStep *s = &g_array_index (cascade->steps, LodeCascadeStep, k);
          double y = round (lode_view_y_for_price (v, s->price)) + 0.5;
          double x0 = x_start + k * col_w;
          double x1 = x0 + col_w;

          cairo_move_to (c->cr, x0, y);
          cairo_line_to (c->cr, x1, y);
          if (k + 1 < n)
            {
              const LodeCascadeStep *next = &g_array_index (cascade->steps, LodeCascadeStep, k + 1);
              double y_next = round (lode_view_y_for_price (v, next->price)) + 0.5;
              double head = falling ? -5.0 : 5.0;

              cairo_line_to (c->cr, x1, y_next);
              cairo_move_to (c->cr, x1 - 4.0, y_next + head);
              cairo_line_to (c->cr, x1, y_next);
              cairo_line_to (c->cr, x1 + 4.0, y_next + head);
            }
        }
      if (pass == 0)
        {
          set_source (c->cr, halo);
          cairo_set_line_width (c->cr, 4.5);
        }
      else
        {
          set_source (c->cr, c->palette->cascade);
          cairo_set_line_width (c->cr, 1.75);
        }
      cairo_stroke (c->cr);
    }

  /* The trigger: a ring where price touches. */
  {
    double y = round (lode_view_y_for_price (v, cascade->trigger)) + 0.5;

    cairo_arc (c->cr, x_start, y, 3.5, 0, 2 * G_PI);
    set_source (c->cr, halo);
    cairo_fill_preserve (c->cr);
    set_source (c->cr, c->palette->cascade);
    cairo_set_line_width (c->cr, 1.5);
    cairo_stroke (c->cr);
  }

  /* V_k beside each segment, on the side away from the next step. */
  for (guint k = 0; k < n; k++)
    {
      const LodeCascadeStep *s = &g_array_index (cascade->steps, LodeCascadeStep, k);
      g_autofree char *label = lode_format_usd (s->fuel_usd);
      double y = lode_view_y_for_price (v, s->price);
      double x0 = x_start + k * col_w + 6.0;
      int w, h;

      text_set (c, label, FALSE);
      text_size (c, &w, &h);
      y = falling ? y - 3.0 - h : y + 3.0;
      panel_box (c, round (x0 - 3.0), round (y - 1.0), w + 6.0, h + 2.0, 0.7);
      text_show (c, x0, y, 0.0, 0.0, c->palette->cascade);
    }

  cairo_restore (c->cr);
}

/* The cascade of a frame with has_cascade: steps and sentence, or only
 * "Needs order-book depth" when there is no depth to estimate with. */
static void
draw_cascade (Ctx *c)
{
  const LodeView *v = c->view;
  g_autoptr(LodeCascade) cascade = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  double x_end, x_text, box_w, box_h, bx, by, max_w;
  int w, h;

  if (!c->frame->has_cascade || c->current == NULL)
    return;

  x_end = v->plot_x + v->plot_width - 10.0;
  if (c->frame->show_profile && v->profile_width >= 8.0)
    {
      x_end -= v->profile_width;
      if (c->frame->book != NULL)
        x_end -= depth_band_width (v);
    }

  cascade = frame_cascade (c, &error);
  if (cascade != NULL)
    {
      draw_cascade_steps (c, cascade, x_end);
      text = lode_chart_cascade_describe (cascade);
      x_text = cascade_start (v, cascade->steps->len, x_end) - 10.0;
    }
  else if (g_error_matches (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_NEEDS_DEPTH))
    {
      text = g_strdup (_("Needs order-book depth"));
      x_text = x_end;
    }
  else
    return;

  /* The sentence at the trigger's price, ending where the steps start:
   * it reads into them. Wrapped when long. */
  max_w = MIN (300.0, v->plot_width - 24.0);
  text_set (c, text, FALSE);
  pango_layout_set_width (c->layout, (int) (MAX (max_w - 20.0, 40.0) * PANGO_SCALE));
  text_size (c, &w, &h);
  box_w = w + 20.0;
  box_h = h + 12.0;
  bx = round (MAX (x_text - box_w, v->plot_x + 4.0));
  by = lode_view_y_for_price (v, c->frame->cascade_trigger) - box_h / 2.0;
  by = round (CLAMP (by, v->plot_y + 4.0, v->plot_y + v->plot_height - 4.0 - box_h));
  panel_box (c, bx, by, box_w, box_h, 0.9);
  /* An accent in the steps' colour ties the sentence to them. */
  cairo_rectangle (c->cr, bx + 3.0, by + 5.0, 3.0, box_h - 10.0);
  set_source (c->cr, c->palette->cascade);
  cairo_fill (c->cr);
  text_show (c, bx + 14.0, by + 6.0, 0.0, 0.0, c->palette->text);
  pango_layout_set_width (c->layout, -1);
}

/* The cascade's final price as a tag on the price axis. Drawn after the
 * axes. */
static void
draw_cascade_tag (Ctx *c)
{
  const LodeView *v = c->view;
  g_autoptr(LodeCascade) cascade = frame_cascade (c, NULL);
  g_autofree char *text = NULL;
  PriceTicks ticks;
  double y, fill[4];

  if (cascade == NULL || cascade->n_steps == 0)
    return;

  y = lode_view_y_for_price (v, cascade->final_price);
  if (y < v->plot_y || y > v->plot_y + v->plot_height)
    return;

  price_ticks (v, &ticks);
  text = lode_axes_format_price (cascade->final_price, tag_decimals (cascade->final_price, ticks.decimals));
  memcpy (fill, c->palette->cascade, sizeof fill);
  fill[3] = 1.0;
  price_tag (c, y, text, fill);
}

void
lode_chart_render_base (cairo_t                *cr,
                        const LodeView         *view,
                        const LodeChartPalette *palette,
                        const LodeChartFrame   *frame,
                        double                  reference)
{
  g_autoptr(GArray) tticks = NULL;
  Ctx c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (palette != NULL);
  g_return_if_fail (frame != NULL);

  if (view->width <= 0 || view->height <= 0)
    return;
  if (!(view->index_max > view->index_min) || !(view->price_max > view->price_min))
    return;

  ctx_init (&c, cr, view, palette, frame);
  cairo_save (cr);

  if (c.n_candles > 0)
    profile_start (&c);
  tticks = time_ticks (&c);
  draw_time_grid (&c, tticks);

  if (c.n_candles > 0)
    {
      draw_highlight (&c);
      draw_depth_bands (&c);    /* order flow (issue 6) */
      draw_candles (&c);
      lode_chart_render_prints (cr, view, palette, frame);  /* issue 6 */
      draw_last_price_line (&c);
      draw_profile (&c);
      /* Order flow (issue 6): the book beside the profile, the cascade. */
      draw_depth_profile (&c);
      draw_cascade (&c);
    }

  draw_axes (&c, tticks);
  /* Order flow (issue 6): marks on the price axis. */
  draw_confluence (&c);
  draw_cascade_tag (&c);
  draw_last_price_tag (&c);
  draw_legend (&c, reference);
  draw_message (&c);

  cairo_restore (cr);
  ctx_clear (&c);
}

/* Layer 3: crosshair -------------------------------------------------------- */

gboolean
lode_chart_crosshair_info (const LodeView       *view,
                           const LodeChartFrame *frame,
                           double                x,
                           double                y,
                           LodeCrosshairInfo    *info)
{
  LodeMarket *market;
  LodeLevelSet *current;
  double index, row_size;
  guint rows;
  gssize row;

  g_return_val_if_fail (view != NULL, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  *info = (LodeCrosshairInfo) { .candle = -1 };

  if (!lode_view_contains_point (view, x, y))
    return FALSE;

  info->price = lode_view_price_for_y (view, y);

  /* The profile's row under the pointer. */
  rows = lode_chart_profile_rows (view);
  row_size = (view->price_max - view->price_min) / rows;
  row = (gssize) floor ((info->price - view->price_min) / row_size);
  row = CLAMP (row, 0, (gssize) rows - 1);
  info->row_low = view->price_min + row * row_size;
  info->row_high = info->row_low + row_size;

  if (frame->snapshot == NULL)
    return TRUE;

  market = lode_snapshot_get_market (frame->snapshot);
  index = floor (lode_view_index_for_x (view, x));
  if (index >= 0.0 && index < (double) lode_market_get_n_candles (market))
    {
      const LodeCandle *k = lode_market_get_candle (market, (gsize) index);

      info->candle = (gssize) index;
      info->time_ms = k->time_ms;
      info->open = k->open;
      info->high = k->high;
      info->low = k->low;
      info->close = k->close;
    }

  current = lode_snapshot_get_current (frame->snapshot);
  if (current != NULL)
    {
      info->row_usd = lode_level_set_sum_range (current, LODE_SIDE_LONG, info->row_low, info->row_high)
                      + lode_level_set_sum_range (current, LODE_SIDE_SHORT, info->row_low, info->row_high);
      info->fuel_usd = lode_level_set_fuel (current, info->price);
    }

  return TRUE;
}

static void
draw_readout (Ctx                     *c,
              const LodeCrosshairInfo *info,
              double                   px,
              double                   py)
{
  const LodeView *v = c->view;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *row_usd = lode_format_usd (info->row_usd);
  g_autofree char *fuel_usd = lode_format_usd (info->fuel_usd);
  g_autofree char *target = NULL;
  PriceTicks ticks;
  guint decimals;
  double bx, by, bw, bh;
  int w, h;

  price_ticks (v, &ticks);
  decimals = tag_decimals (info->price, ticks.decimals);
  target = lode_axes_format_price (info->price, decimals);

  if (info->candle >= 0)
    {
      g_autofree char *when = lode_axes_format_time_full (info->time_ms, c->interval_ms, c->tz);
      g_autofree char *o = lode_axes_format_price (info->open, decimals);
      g_autofree char *hi = lode_axes_format_price (info->high, decimals);
      g_autofree char *lo = lode_axes_format_price (info->low, decimals);
      g_autofree char *cl = lode_axes_format_price (info->close, decimals);

      g_string_append_printf (text, "%s\n", when);
      /* Translators: open, high, low and close of a candle. */
      g_string_append_printf (text, _("O %s  H %s  L %s  C %s"), o, hi, lo, cl);
      g_string_append_c (text, '\n');
    }
  g_string_append_printf (text, _("Liquidations here: %s"), row_usd);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("A move to %s liquidates about %s"), target, fuel_usd);

  text_set (c, text->str, FALSE);
  text_size (c, &w, &h);
  bw = w + 16.0;
  bh = h + 12.0;

  /* Below-right of the pointer, flipped to stay inside the plot. */
  bx = px + 16.0;
  by = py + 16.0;
  if (bx + bw > v->plot_x + v->plot_width - 4.0)
    bx = px - 16.0 - bw;
  if (by + bh > v->plot_y + v->plot_height - 4.0)
    by = py - 16.0 - bh;
  bx = round (MAX (bx, v->plot_x + 4.0));
  by = round (MAX (by, v->plot_y + 4.0));

  panel_box (c, bx, by, bw, bh, 0.88);
  text_show (c, bx + 8.0, by + 6.0, 0.0, 0.0, c->palette->text);
}

void
lode_chart_render_overlay (cairo_t                *cr,
                           const LodeView         *view,
                           const LodeChartPalette *palette,
                           const LodeChartFrame   *frame)
{
  LodeCrosshairInfo info;
  g_autofree char *price_text = NULL;
  double x, y, dash, candle_px;
  PriceTicks ticks;
  Ctx c;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (palette != NULL);
  g_return_if_fail (frame != NULL);

  if (!frame->has_crosshair)
    return;
  if (!lode_chart_crosshair_info (view, frame, frame->crosshair_x, frame->crosshair_y, &info))
    return;

  ctx_init (&c, cr, view, palette, frame);
  cairo_save (cr);

  /* The vertical line snaps to the candle's centre when candles are wide
   * enough to tell apart. */
  x = frame->crosshair_x;
  y = frame->crosshair_y;
  candle_px = view->plot_width / (view->index_max - view->index_min);
  if (info.candle >= 0 && candle_px >= MIN_CANDLE_PX)
    x = lode_view_x_for_index (view, info.candle + 0.5);

  ctx_device_begin (&c);
  dash = 4.0 * c.dev.sx;
  cairo_set_dash (cr, (double[]) { dash, dash }, 2, 0);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, floor (dx (&c, x)) + 0.5, round (dy (&c, view->plot_y)));
  cairo_line_to (cr, floor (dx (&c, x)) + 0.5, round (dy (&c, view->plot_y + view->plot_height)));
  cairo_move_to (cr, round (dx (&c, view->plot_x)), floor (dy (&c, y)) + 0.5);
  cairo_line_to (cr, round (dx (&c, view->plot_x + view->plot_width)), floor (dy (&c, y)) + 0.5);
  set_source (cr, palette->crosshair);
  cairo_stroke (cr);
  ctx_device_end (&c);

  /* Price tag on the price axis. */
  price_ticks (view, &ticks);
  price_text = lode_axes_format_price (info.price, tag_decimals (info.price, ticks.decimals));
  {
    double fill[4];

    memcpy (fill, palette->crosshair, sizeof fill);
    fill[3] = 1.0;
    price_tag (&c, y, price_text, fill);

    /* Time tag on the time axis. */
    if (info.candle >= 0)
      {
        g_autofree char *when = NULL;
        double text_rgba[4], tx;
        int w, h;

        ctx_ensure_text (&c);
        when = lode_axes_format_time_full (info.time_ms, c.interval_ms, c.tz);
        text_set (&c, when, TRUE);
        text_size (&c, &w, &h);
        tx = CLAMP (x, view->plot_x + w / 2.0 + 6.0, view->plot_x + view->plot_width - w / 2.0 - 6.0);
        rounded_rect (cr, round (tx - w / 2.0 - 6.0), view->plot_y + view->plot_height + 2.0,
                      w + 12.0, h + 6.0, 3.0);
        set_source (cr, fill);
        cairo_fill (cr);
        contrast_text (fill, text_rgba);
        text_show (&c, tx, view->plot_y + view->plot_height + 5.0, 0.5, 0.0, text_rgba);
      }
  }

  if (frame->snapshot != NULL)
    {
      ctx_ensure_text (&c);
      draw_readout (&c, &info, frame->crosshair_x, frame->crosshair_y);
    }

  cairo_restore (cr);
  ctx_clear (&c);
}

/* Whole frame -------------------------------------------------------------- */

void
lode_chart_render_frame (cairo_t                *cr,
                         const LodeView         *view,
                         const LodeChartPalette *palette,
                         const LodeChartFrame   *frame)
{
  cairo_surface_t *raster = NULL;
  double rx = 0, ry = 0, rw = 0, rh = 0, reference = 0.0;
  LodeChartFrame lit;
  Device dev;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (view != NULL);
  g_return_if_fail (palette != NULL);
  g_return_if_fail (frame != NULL);

  if (view->width <= 0 || view->height <= 0)
    return;

  lode_chart_render_background (cr, view, palette);

  /* The heat's treatment follows the palette's background. */
  lit = *frame;
  lit.light_background = 0.2126 * palette->background[0] + 0.7152 * palette->background[1]
                         + 0.0722 * palette->background[2] > 0.5;

  device_init (&dev, cr);
  if (lit.snapshot != NULL)
    raster = lode_chart_render_heatmap_raster (view, &lit, dev.sy, &rx, &ry, &rw, &rh, &reference);
  lode_chart_render_paint_raster (cr, view, raster, rx, ry, rw, rh);
  g_clear_pointer (&raster, cairo_surface_destroy);

  lode_chart_render_base (cr, view, palette, &lit, reference);
  lode_chart_render_overlay (cr, view, palette, &lit);
}

/* Placeholder ------------------------------------------------------------- */

void
lode_chart_render_placeholder (cairo_t                *cr,
                               int                     width,
                               int                     height,
                               const LodeChartPalette *palette,
                               const char             *caption)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (palette != NULL);

  if (width <= 0 || height <= 0)
    return;

  cairo_save (cr);

  set_source (cr, palette->background);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  /* Hairlines on pixel centres so they stay one pixel wide. */
  set_source (cr, palette->grid);
  cairo_set_line_width (cr, 1.0);
  for (int x = GRID_STEP; x < width; x += GRID_STEP)
    {
      cairo_move_to (cr, x + 0.5, 0);
      cairo_line_to (cr, x + 0.5, height);
    }
  for (int y = GRID_STEP; y < height; y += GRID_STEP)
    {
      cairo_move_to (cr, 0, y + 0.5);
      cairo_line_to (cr, width, y + 0.5);
    }
  cairo_stroke (cr);

  if (caption != NULL && *caption != '\0')
    {
      PangoLayout *layout = pango_cairo_create_layout (cr);
      PangoFontDescription *font = pango_font_description_from_string ("Sans 14");
      int tw, th;

      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, caption, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      set_source (cr, palette->text);
      cairo_move_to (cr, (width - tw) / 2.0, (height - th) / 2.0);
      pango_cairo_show_layout (cr, layout);

      pango_font_description_free (font);
      g_object_unref (layout);
    }

  cairo_restore (cr);
}
