/* SPDX-License-Identifier: GPL-3.0-or-later */

/* lodestone-cli: the model without a display. Loads a market (the demo
 * or a CSV file), builds the liquidation model and writes the exports that
 * were asked for, or a short summary when none was.
 *
 * Adding an option: a field in CliOptions, an entry in option_entries,
 * its check in resolve_options(), and for an export one export_*()
 * function called from run_exports(). */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lode-clusters.h"
#include "lode-data-export.h"
#include "lode-demo-source.h"
#include "lode-export.h"
#include "lode-file-source.h"
#include "lode-heatmap.h"
#include "lode-interval.h"
#include "lode-liq-model.h"
#include "lode-snapshot.h"
#include "lode-source.h"
#include "lode-data-controller.h"
#include "lode-venue-loader.h"

#define UNSET_INT G_MININT

/* Exit statuses: a bad command line, or a failure while running. */
#define EXIT_USAGE  2
#define EXIT_FAILED 1

/* The command line as given; strings are NULL and ints UNSET_INT when
 * absent. Numbers that must not depend on the locale are taken as
 * strings and parsed with g_ascii_strtod(). */
typedef struct
{
  char *source;
  char *input;
  char *seed;
  char *interval;
  int   days;
  char *tiers;
  char *mmr;
  int   lookback;
  char *mode;
  char *export_series;
  char *export_levels;
  char *export_heatmap;
  int   columns;
  int   rows;
  char *price_min;
  char *price_max;
  char *export_clusters;
  char *export_png;
  char *export_svg;
  char *size;
  int   candles;
  char *palette;
  char *colormap;
  char *intensity;
  char *symbol;
  char *base_url;
} CliOptions;

/* What the options resolve to, and what is built from them. */
typedef struct
{
  gboolean         demo;
  char            *venue;           /* an exchange, or NULL */
  char            *symbol;
  char            *symbol_mapped;   /* as the venue names it */
  char            *base_url;
  guint            venue_days;
  LodeDemoParams   demo_params;
  gint64           interval_ms;     /* 0 = the source's own */
  LodeModelParams  model_params;
  LodeRenderMode   mode;
  gboolean         has_price_min;
  gboolean         has_price_max;
  double           price_min;
  double           price_max;
  int              image_width;
  int              image_height;
  guint            image_candles;   /* 0 = all */
  gboolean         image_dark;
  LodeColormapId   colormap;
  double           intensity;

  char            *label;
  LodeMarket      *market;
  LodeLiqModel    *model;
} Cli;

static void
cli_options_clear (CliOptions *opts)
{
  g_clear_pointer (&opts->source, g_free);
  g_clear_pointer (&opts->input, g_free);
  g_clear_pointer (&opts->seed, g_free);
  g_clear_pointer (&opts->interval, g_free);
  g_clear_pointer (&opts->tiers, g_free);
  g_clear_pointer (&opts->mmr, g_free);
  g_clear_pointer (&opts->mode, g_free);
  g_clear_pointer (&opts->export_series, g_free);
  g_clear_pointer (&opts->export_levels, g_free);
  g_clear_pointer (&opts->export_heatmap, g_free);
  g_clear_pointer (&opts->price_min, g_free);
  g_clear_pointer (&opts->price_max, g_free);
  g_clear_pointer (&opts->export_clusters, g_free);
  g_clear_pointer (&opts->export_png, g_free);
  g_clear_pointer (&opts->export_svg, g_free);
  g_clear_pointer (&opts->size, g_free);
  g_clear_pointer (&opts->palette, g_free);
  g_clear_pointer (&opts->colormap, g_free);
  g_clear_pointer (&opts->intensity, g_free);
  g_clear_pointer (&opts->symbol, g_free);
  g_clear_pointer (&opts->base_url, g_free);
}

static void
cli_clear (Cli *cli)
{
  g_clear_pointer (&cli->label, g_free);
  g_clear_pointer (&cli->venue, g_free);
  g_clear_pointer (&cli->symbol, g_free);
  g_clear_pointer (&cli->symbol_mapped, g_free);
  g_clear_pointer (&cli->base_url, g_free);
  g_clear_pointer (&cli->model, lode_liq_model_unref);
  g_clear_pointer (&cli->market, lode_market_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliOptions, cli_options_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Cli, cli_clear)

/* "1m", "4h", "1d", or a plain duration for the unusual intervals a CSV
 * file may have. */
static char *
format_interval (gint64 ms)
{
  if (ms % G_GINT64_CONSTANT (86400000) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "d", ms / G_GINT64_CONSTANT (86400000));
  if (ms % G_GINT64_CONSTANT (3600000) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h", ms / G_GINT64_CONSTANT (3600000));
  if (ms % G_GINT64_CONSTANT (60000) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "m", ms / G_GINT64_CONSTANT (60000));
  if (ms % 1000 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT "s", ms / 1000);

  return g_strdup_printf ("%" G_GINT64_FORMAT "ms", ms);
}

static gboolean
parse_double_option (const char  *name,
                     const char  *text,
                     double      *value,
                     GError     **error)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (*value))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: “%s” is not a number"), name, text);
      return FALSE;
    }

  return TRUE;
}

/* --size, --candles, --palette, --colormap and --intensity: the frame the
 * app would show, at a given size. */
static gboolean
resolve_image_options (const CliOptions  *opts,
                       Cli               *cli,
                       GError           **error)
{
  gboolean want_image = opts->export_png != NULL || opts->export_svg != NULL;

  if (!want_image && (opts->size != NULL || opts->candles != UNSET_INT || opts->palette != NULL
                      || opts->colormap != NULL || opts->intensity != NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--size, --candles, --palette, --colormap and --intensity need "
                             "--export-png or --export-svg"));
      return FALSE;
    }

  cli->image_width = 1920;
  cli->image_height = 1080;
  if (opts->size != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (opts->size, "x", 2);
      guint64 w = 0, h = 0;

      if (g_strv_length (parts) != 2
          || !g_ascii_string_to_unsigned (parts[0], 10, 1, LODE_EXPORT_MAX_SIZE, &w, NULL)
          || !g_ascii_string_to_unsigned (parts[1], 10, 1, LODE_EXPORT_MAX_SIZE, &h, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--size: “%s” is not WIDTHxHEIGHT with each side from 1 to %d"),
                       opts->size, LODE_EXPORT_MAX_SIZE);
          return FALSE;
        }
      cli->image_width = (int) w;
      cli->image_height = (int) h;
    }

  /* As the app shows on start: the latest 180 candles. */
  cli->image_candles = 180;
  if (opts->candles != UNSET_INT)
    {
      if (opts->candles < 0)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("--candles must be ≥ 0 (0 = all)"));
          return FALSE;
        }
      cli->image_candles = (guint) opts->candles;
    }

  cli->image_dark = TRUE;
  if (opts->palette != NULL)
    {
      if (g_str_equal (opts->palette, "light"))
        cli->image_dark = FALSE;
      else if (!g_str_equal (opts->palette, "dark"))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--palette: “%s” is not dark or light"), opts->palette);
          return FALSE;
        }
    }

  cli->colormap = LODE_COLORMAP_MAGMA;
  if (opts->colormap != NULL && !lode_colormap_from_string (opts->colormap, &cli->colormap))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--colormap: “%s” is not one of magma, viridis, inferno, thermal"),
                   opts->colormap);
      return FALSE;
    }

  cli->intensity = 1.0;
  if (opts->intensity != NULL)
    {
      if (!parse_double_option ("--intensity", opts->intensity, &cli->intensity, error))
        return FALSE;
      if (cli->intensity < 0.1 || cli->intensity > 4.0)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("--intensity must lie between 0.1 and 4"));
          return FALSE;
        }
    }

  return TRUE;
}

/* Checks the options together and fills @cli. Every mistake on the command
 * line is reported here, before anything is loaded. */
static gboolean
resolve_options (const CliOptions  *opts,
                 Cli               *cli,
                 GError           **error)
{
  gboolean want_file;

  want_file = opts->input != NULL;
  if (opts->source != NULL)
    {
      if (strcmp (opts->source, "demo") == 0)
        {
          if (opts->input != NULL)
            {
              g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                   _("--input needs --source file"));
              return FALSE;
            }
        }
      else if (strcmp (opts->source, "file") == 0)
        {
          if (opts->input == NULL)
            {
              g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                   _("--source file needs --input FILE.csv"));
              return FALSE;
            }
        }
      else if (g_strv_contains (lode_source_list_ids (), opts->source))
        {
          if (opts->input != NULL)
            {
              g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                   _("--input needs --source file"));
              return FALSE;
            }
          cli->venue = g_strdup (opts->source);
        }
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--source: unknown source “%s” (demo, file, binance, bybit, okx or hyperliquid)"),
                       opts->source);
          return FALSE;
        }
    }

  cli->demo = !want_file && cli->venue == NULL;
  lode_demo_params_init_default (&cli->demo_params);

  if (cli->venue == NULL && (opts->symbol != NULL || opts->base_url != NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--symbol and --base-url apply to exchange sources only"));
      return FALSE;
    }
  cli->symbol = g_strdup (opts->symbol != NULL ? opts->symbol : "BTCUSDT");
  cli->base_url = g_strdup (opts->base_url);

  if (!cli->demo && opts->seed != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--seed applies to the demo source only"));
      return FALSE;
    }
  if (want_file && opts->days != UNSET_INT)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--days applies to the demo and exchange sources only"));
      return FALSE;
    }

  if (opts->seed != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (opts->seed, 10, 0, G_MAXUINT64, &seed, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--seed: “%s” is not a non-negative integer"), opts->seed);
          return FALSE;
        }
      cli->demo_params.seed = seed;
    }

  if (opts->days != UNSET_INT)
    {
      if (opts->days < 1 || opts->days > LODE_DEMO_MAX_DAYS)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--days must lie between 1 and %d"), LODE_DEMO_MAX_DAYS);
          return FALSE;
        }
      cli->demo_params.days = (guint) opts->days;
    }
  cli->venue_days = opts->days != UNSET_INT ? (guint) opts->days : 30;

  cli->interval_ms = 0;
  if (opts->interval != NULL && !lode_interval_parse (opts->interval, &cli->interval_ms))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--interval: “%s” is not one of 1m, 5m, 15m, 1h, 4h, 1d"),
                   opts->interval);
      return FALSE;
    }
  if (cli->demo && cli->interval_ms != 0)
    cli->demo_params.interval_ms = cli->interval_ms;
  if (cli->venue != NULL && cli->interval_ms == 0)
    cli->interval_ms = G_GINT64_CONSTANT (3600000);

  lode_model_params_init_default (&cli->model_params);
  if (opts->tiers != NULL)
    {
      if (!lode_model_params_parse_tiers (&cli->model_params, opts->tiers, error))
        {
          g_prefix_error (error, "--tiers: ");
          return FALSE;
        }
    }
  if (opts->mmr != NULL &&
      !parse_double_option ("--mmr", opts->mmr, &cli->model_params.mmr, error))
    return FALSE;
  if (opts->lookback != UNSET_INT)
    {
      if (opts->lookback < 0)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("--lookback must be ≥ 0 (0 = all candles)"));
          return FALSE;
        }
      cli->model_params.lookback = (guint) opts->lookback;
    }
  if (!lode_model_params_validate (&cli->model_params, error))
    return FALSE;

  cli->mode = LODE_RENDER_MODE_RAW;
  if (opts->mode != NULL && !lode_render_mode_from_string (opts->mode, &cli->mode))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--mode: “%s” is not one of raw, smoothed, long, short"), opts->mode);
      return FALSE;
    }

  if (opts->export_heatmap != NULL)
    {
      if (opts->columns == UNSET_INT || opts->rows == UNSET_INT)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("--export-heatmap needs --columns and --rows"));
          return FALSE;
        }
      /* Bounds that keep the grid in memory (16 k × 16 k floats = 1 GiB). */
      if (opts->columns < 1 || opts->columns > 16384 ||
          opts->rows < 1 || opts->rows > 16384)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("--columns and --rows must lie between 1 and 16384"));
          return FALSE;
        }
    }
  else if (opts->columns != UNSET_INT || opts->rows != UNSET_INT ||
           opts->price_min != NULL || opts->price_max != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--columns, --rows, --price-min and --price-max need --export-heatmap"));
      return FALSE;
    }

  cli->has_price_min = opts->price_min != NULL;
  if (cli->has_price_min &&
      !parse_double_option ("--price-min", opts->price_min, &cli->price_min, error))
    return FALSE;
  cli->has_price_max = opts->price_max != NULL;
  if (cli->has_price_max &&
      !parse_double_option ("--price-max", opts->price_max, &cli->price_max, error))
    return FALSE;
  if (cli->has_price_min && cli->has_price_max && !(cli->price_min < cli->price_max))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--price-min must be below --price-max"));
      return FALSE;
    }

  return resolve_image_options (opts, cli, error);
}

typedef struct
{
  GMainLoop  *loop;
  LodeMarket *market;
  char       *warning;
  GError     *error;
} VenueWait;

static void
on_venue_progress (guint    pages_done,
                   guint    pages_expected,
                   gpointer user_data)
{
  if (pages_expected > 0)
    g_printerr (_("lodestone-cli: page %u of %u\n"), pages_done, pages_expected);
  else
    g_printerr (_("lodestone-cli: page %u\n"), pages_done);
}

static void
on_venue_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VenueWait *wait = user_data;

  wait->market = lode_venue_load_finish (result, &wait->warning, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* An exchange through the same adapters the app uses; no history store, so
 * each run fetches what it shows. */
static gboolean
load_venue_market (Cli     *cli,
                   GError **error)
{
  g_autoptr(LodeHttp) http = lode_http_new ();
  g_autoptr(LodeSource) source = lode_source_new_for_id (cli->venue, http, cli->base_url);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gint64 now = g_get_real_time () / 1000;
  /* Up to the close of the newest candle that has opened (as the app's
   * data controller): a candle opening exactly now has no trade yet and a
   * venue need not list it. */
  gint64 end = (now + cli->interval_ms - 1) / cli->interval_ms * cli->interval_ms;
  gint64 start = end - (gint64) cli->venue_days * G_GINT64_CONSTANT (86400000);
  VenueWait wait = { .loop = loop };

  cli->symbol_mapped = lode_data_controller_map_symbol (cli->venue, cli->symbol);
  lode_venue_load_async (source, NULL, cli->symbol_mapped, cli->interval_ms, start, end,
                         on_venue_progress, NULL, NULL, on_venue_loaded, &wait);
  g_main_loop_run (loop);

  if (wait.market == NULL)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  if (wait.warning != NULL)
    g_printerr ("lodestone-cli: %s\n", wait.warning);
  g_free (wait.warning);

  cli->market = wait.market;
  cli->label = g_strdup (lode_source_get_label (source));
  return TRUE;
}

static gboolean
load_market (Cli         *cli,
             const char  *input,
             GError     **error)
{
  g_autoptr(LodeMarket) market = NULL;
  gint64 native_ms;

  if (cli->venue != NULL)
    return load_venue_market (cli, error);

  if (cli->demo)
    {
      cli->market = lode_demo_market_generate (&cli->demo_params, error);
      cli->label = g_strdup (lode_demo_source_get_label ());
      return cli->market != NULL;
    }

  market = lode_file_source_load (input, error);
  if (market == NULL)
    return FALSE;
  cli->label = g_filename_display_basename (input);

  /* --interval on a file aggregates its candles to a coarser interval. */
  native_ms = lode_market_get_interval_ms (market);
  if (cli->interval_ms == 0 || cli->interval_ms == native_ms)
    {
      cli->market = g_steal_pointer (&market);
      return TRUE;
    }
  if (cli->interval_ms < native_ms || cli->interval_ms % native_ms != 0)
    {
      g_autofree char *native = format_interval (native_ms);

      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   _("--interval must be a multiple of the file’s interval (%s)"), native);
      return FALSE;
    }

  cli->market = lode_market_aggregate (market, cli->interval_ms, error);

  return cli->market != NULL;
}

/* Writes @text to @path, or to standard output when @path is "-". */
static gboolean
write_output (const char  *path,
              const char  *text,
              gsize        len,
              GError     **error)
{
  if (strcmp (path, "-") == 0)
    {
      if (fwrite (text, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                               _("Could not write to standard output"));
          return FALSE;
        }
      return TRUE;
    }

  return g_file_set_contents (path, text, (gssize) len, error);
}

static gboolean
export_series (Cli         *cli,
               const char  *path,
               GError     **error)
{
  g_autofree char *text = lode_file_source_to_string (cli->market);

  return write_output (path, text, strlen (text), error);
}

static gboolean
export_levels (Cli         *cli,
               const char  *path,
               GError     **error)
{
  g_autoptr(LodeLevelSet) set = lode_liq_model_current (cli->model);
  g_autofree char *text = lode_data_export_levels_csv (set);

  return write_output (path, text, strlen (text), error);
}

static void
series_price_range (const LodeMarket *market,
                    double           *lo,
                    double           *hi)
{
  const LodeCandle *candles = lode_market_get_candles (market);
  gsize n = lode_market_get_n_candles (market);

  *lo = candles[0].low;
  *hi = candles[0].high;
  for (gsize i = 1; i < n; i++)
    {
      *lo = MIN (*lo, candles[i].low);
      *hi = MAX (*hi, candles[i].high);
    }
}

static gboolean
export_heatmap (Cli         *cli,
                const char  *path,
                guint        columns,
                guint        rows,
                GError     **error)
{
  g_autoptr(LodeHeatmap) heatmap = NULL;
  g_autoptr(GString) out = NULL;
  LodeHeatmapView view = { 0 };
  double lo, hi;

  /* The whole series' price range unless given. */
  series_price_range (cli->market, &lo, &hi);
  view.price_min = cli->has_price_min ? cli->price_min : lo;
  view.price_max = cli->has_price_max ? cli->price_max : hi;
  if (!(view.price_min < view.price_max))
    {
      g_set_error (error, LODE_SOURCE_ERROR, LODE_SOURCE_ERROR_INVALID_ARGUMENT,
                   _("The heatmap’s price range is empty (%g to %g)"),
                   view.price_min, view.price_max);
      return FALSE;
    }

  view.first_candle = 0;
  view.n_candles = lode_market_get_n_candles (cli->market);
  view.columns = columns;
  view.rows = rows;
  view.mode = cli->mode;

  heatmap = lode_heatmap_compute (cli->model, &view);
  out = g_string_sized_new ((gsize) rows * columns * 8);

  /* Row 0, the lowest prices, first. */
  for (guint r = 0; r < rows; r++)
    {
      for (guint c = 0; c < columns; c++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          if (c > 0)
            g_string_append_c (out, ',');
          g_ascii_formatd (buf, sizeof buf, "%.9g", lode_heatmap_get (heatmap, c, r));
          g_string_append (out, buf);
        }
      g_string_append_c (out, '\n');
    }

  return write_output (path, out->str, out->len, error);
}

static gboolean
export_clusters (Cli         *cli,
                 const char  *path,
                 GError     **error)
{
  g_autoptr(LodeLevelSet) set = lode_liq_model_current (cli->model);
  g_autoptr(GArray) clusters = lode_clusters_find (set, 0);
  g_autofree char *text = lode_data_export_clusters_json (clusters, lode_level_set_get_close (set));

  return write_output (path, text, strlen (text), error);
}

/* The frame the app draws, headless: same render function, same view
 * rules (the latest candles, price auto-scaled). */
static gboolean
export_image (Cli         *cli,
              const char  *path,
              gboolean     svg,
              GError     **error)
{
  LodeVenueModel venue = { .label = cli->label, .model = cli->model };
  g_autoptr(LodeSnapshot) snapshot = lode_snapshot_new (&venue, 1, cli->venue ? cli->symbol_mapped
                                                                 : cli->demo ? "BTCUSDT" : NULL);
  LodeChartPalette palette;
  LodeChartFrame frame;
  LodeView view;

  lode_view_init (&view, cli->image_width, cli->image_height);
  lode_view_fit_latest (&view, cli->market, cli->image_candles);
  lode_view_autoscale (&view, cli->market);
  lode_chart_palette_init_default (&palette, cli->image_dark);
  lode_chart_frame_init (&frame);
  frame.snapshot = snapshot;
  frame.mode = cli->mode;
  frame.colormap = cli->colormap;
  frame.gamma = cli->intensity;

  if (svg)
    return lode_export_svg (path, cli->image_width, cli->image_height, &view, &palette, &frame, error);

  return lode_export_png (path, cli->image_width, cli->image_height, &view, &palette, &frame, error);
}

static char *
format_time (gint64 time_ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (time_ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* For people, so in their locale; files never take this path. */
static void
print_summary (Cli *cli)
{
  g_autoptr(LodeLevelSet) set = lode_liq_model_current (cli->model);
  g_autoptr(GArray) clusters = lode_clusters_find (set, 3);
  const LodeCandle *first = lode_market_get_candle (cli->market, 0);
  gsize n = lode_market_get_n_candles (cli->market);
  const LodeCandle *last = lode_market_get_candle (cli->market, n - 1);
  gint64 interval_ms = lode_market_get_interval_ms (cli->market);
  g_autofree char *interval = format_interval (interval_ms);
  g_autofree char *from = format_time (first->time_ms);
  g_autofree char *to = format_time (last->time_ms + interval_ms);
  g_autofree char *n_candles = g_strdup_printf ("%" G_GSIZE_FORMAT, n);
  g_autofree char *n_live = NULL;
  gsize n_levels;

  lode_level_set_get_levels (set, &n_levels);

  g_print ("%s\n", cli->label);
  g_print (_("Candles: %s × %s, %s to %s UTC\n"), n_candles, interval, from, to);
  g_print (_("Last close: %.2f\n"), last->close);
  n_live = g_strdup_printf ("%" G_GSIZE_FORMAT, n_levels);
  g_print (_("Live levels: %s (long %.1f M USD, short %.1f M USD)\n"),
           n_live,
           lode_level_set_get_total (set, LODE_SIDE_LONG) / 1e6,
           lode_level_set_get_total (set, LODE_SIDE_SHORT) / 1e6);

  if (clusters->len == 0)
    g_print (_("No clusters\n"));
  else
    g_print (_("Top clusters:\n"));
  for (guint i = 0; i < clusters->len; i++)
    {
      const LodeCluster *c = &g_array_index (clusters, LodeCluster, i);

      /* Translators: rank, side, price range, distance from the close,
       * strength and share of all live notional. */
      g_print (_("  %u. %-8s %.1f – %.1f (%+.2f %%), %.1f M USD, %.1f %%\n"),
               i + 1, lode_cluster_side_to_string (c->side),
               c->price_low, c->price_high, c->distance_pct,
               c->strength_usd / 1e6, 100.0 * c->share);
    }

  g_print (_("Estimated from candles and open interest; not actual positions.\n"));
}

static gboolean
run_exports (Cli               *cli,
             const CliOptions  *opts,
             GError           **error)
{
  gboolean any = FALSE;

  if (opts->export_series != NULL)
    {
      if (!export_series (cli, opts->export_series, error))
        return FALSE;
      any = TRUE;
    }
  if (opts->export_levels != NULL)
    {
      if (!export_levels (cli, opts->export_levels, error))
        return FALSE;
      any = TRUE;
    }
  if (opts->export_heatmap != NULL)
    {
      if (!export_heatmap (cli, opts->export_heatmap, opts->columns, opts->rows, error))
        return FALSE;
      any = TRUE;
    }
  if (opts->export_clusters != NULL)
    {
      if (!export_clusters (cli, opts->export_clusters, error))
        return FALSE;
      any = TRUE;
    }
  if (opts->export_png != NULL)
    {
      if (!export_image (cli, opts->export_png, FALSE, error))
        return FALSE;
      any = TRUE;
    }
  if (opts->export_svg != NULL)
    {
      if (!export_image (cli, opts->export_svg, TRUE, error))
        return FALSE;
      any = TRUE;
    }

  if (!any)
    print_summary (cli);

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_auto(CliOptions) opts = {
    .days = UNSET_INT,
    .lookback = UNSET_INT,
    .columns = UNSET_INT,
    .rows = UNSET_INT,
    .candles = UNSET_INT,
  };
  const GOptionEntry option_entries[] = {
    { "source", 0, 0, G_OPTION_ARG_STRING, &opts.source,
      N_("Where the market comes from: demo (default), file, or an exchange"),
      N_("demo|file|binance|bybit|okx|hyperliquid") },
    { "symbol", 0, 0, G_OPTION_ARG_STRING, &opts.symbol,
      N_("Contract on the exchange (default BTCUSDT; BTC-USDT-SWAP and BTC work on every venue)"),
      N_("SYM") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &opts.base_url,
      N_("The exchange API’s address (default: the official one)"), N_("URL") },
    { "input", 0, 0, G_OPTION_ARG_FILENAME, &opts.input,
      N_("CSV file to import (time,open,high,low,close,volume,oi_usd[,long_share]); implies --source file"),
      N_("FILE.csv") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &opts.seed,
      N_("Seed of the demo market (default 20260101)"), N_("N") },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &opts.interval,
      N_("Candle interval (default: the source’s; 1m for the demo)"),
      N_("1m|5m|15m|1h|4h|1d") },
    { "days", 0, 0, G_OPTION_ARG_INT, &opts.days,
      N_("Days of history: of the demo market, or fetched from the exchange (default 30)"), N_("N") },
    { "tiers", 0, 0, G_OPTION_ARG_STRING, &opts.tiers,
      N_("Leverage tiers and weights (default 10:0.3,25:0.3,50:0.25,100:0.15)"),
      N_("L:W,…") },
    { "mmr", 0, 0, G_OPTION_ARG_STRING, &opts.mmr,
      N_("Maintenance margin rate (default 0.004)"), N_("RATE") },
    { "lookback", 0, 0, G_OPTION_ARG_INT, &opts.lookback,
      N_("Levels expire after N candles (default 0: never)"), N_("N") },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &opts.mode,
      N_("Heatmap mode: raw (default), smoothed, long or short"),
      N_("raw|smoothed|long|short") },
    { "export-series", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_series,
      N_("Write the aligned series the model consumed as CSV (“-” for standard output)"),
      N_("OUT.csv") },
    { "export-levels", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_levels,
      N_("Write the live levels of the current state as CSV"), N_("OUT.csv") },
    { "export-heatmap", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_heatmap,
      N_("Write the heatmap grid as CSV: R lines of C values, lowest prices first"),
      N_("OUT.csv") },
    { "columns", 0, 0, G_OPTION_ARG_INT, &opts.columns,
      N_("Heatmap columns over the whole series"), N_("C") },
    { "rows", 0, 0, G_OPTION_ARG_INT, &opts.rows,
      N_("Heatmap price rows"), N_("R") },
    { "price-min", 0, 0, G_OPTION_ARG_STRING, &opts.price_min,
      N_("Lowest heatmap price (default: the lowest low)"), N_("A") },
    { "price-max", 0, 0, G_OPTION_ARG_STRING, &opts.price_max,
      N_("End of the heatmap price range (default: the highest high)"), N_("B") },
    { "export-clusters", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_clusters,
      N_("Write the ranked liquidation clusters as JSON"), N_("OUT.json") },
    { "export-png", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_png,
      N_("Render the chart as the app draws it into a PNG image"), N_("OUT.png") },
    { "export-svg", 0, 0, G_OPTION_ARG_FILENAME, &opts.export_svg,
      N_("Render the chart as the app draws it into an SVG image"), N_("OUT.svg") },
    { "size", 0, 0, G_OPTION_ARG_STRING, &opts.size,
      N_("Image size in pixels (default 1920x1080)"), N_("WxH") },
    { "candles", 0, 0, G_OPTION_ARG_INT, &opts.candles,
      N_("Latest candles shown in the image (default 180; 0 = all)"), N_("N") },
    { "palette", 0, 0, G_OPTION_ARG_STRING, &opts.palette,
      N_("Image palette: dark (default) or light"), N_("dark|light") },
    { "colormap", 0, 0, G_OPTION_ARG_STRING, &opts.colormap,
      N_("Heatmap colours: magma (default), viridis, inferno or thermal"), N_("NAME") },
    { "intensity", 0, 0, G_OPTION_ARG_STRING, &opts.intensity,
      N_("Heatmap intensity curve, the exponent of value/reference (default 1)"), N_("GAMMA") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Cli) cli = { 0 };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (N_("— estimate crypto liquidation levels without a display"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                N_("Loads a market (the simulated demo or a CSV file), builds the "
                                   "liquidation model and writes the requested exports.\n"
                                   "Without an export option it prints a short summary."));
  g_option_context_add_main_entries (context, option_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lodestone-cli: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr ("lodestone-cli: %s “%s”\n", _("unexpected argument"), argv[1]);
      return EXIT_USAGE;
    }
  if (!resolve_options (&opts, &cli, &error))
    {
      g_printerr ("lodestone-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (!load_market (&cli, opts.input, &error) ||
      !(cli.model = lode_liq_model_build (cli.market, &cli.model_params, NULL, &error)) ||
      !run_exports (&cli, &opts, &error))
    {
      g_printerr ("lodestone-cli: %s\n", error->message);
      return EXIT_FAILED;
    }

  return EXIT_SUCCESS;
}
