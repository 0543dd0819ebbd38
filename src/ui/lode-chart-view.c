/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <glib/gi18n-lib.h>
#include <math.h>

#include "lode-candle-index.h"
#include "lode-chart-view.h"
#include "lode-model-enums.h"

/* Candles shown by "fit": about a week of hourly candles. */
#define FIT_CANDLES 180
/* One keyboard pan step, as a share of the plot. */
#define PAN_STEP 0.1
#define ZOOM_STEP 1.25

struct _LodeChartView
{
  GtkWidget       parent_instance;

  LodeSnapshot   *snapshot;
  LodeCandleIndex *candle_index;  /* of the snapshot's market */
  LodeRenderMode  mode;
  LodeColormapId  colormap;
  double          intensity;
  gboolean        show_profile;
  char           *message;
  gboolean        has_highlight;
  double          highlight_low;
  double          highlight_high;
  LodeBook       *book;            /* order books of the venues, or NULL */
  GArray         *confluence;      /* LodeConfluenceZone */
  GArray         *prints;          /* LodeLiqPrint, ascending */
  LodeCandle     *live_candle;     /* the stream's last candle, or NULL */
  gboolean        show_depth_bands;
  gboolean        has_cascade;
  double          cascade_trigger;

  LodeView        view;

  gboolean        pointer_inside;
  double          pointer_x;
  double          pointer_y;

  /* The heatmap raster and the view it was computed for; drawn mapped to
   * the current view until its successor arrives, so panning stays fluid.
   * The texture is made from the surface only for a renderer that wants
   * one (see append_raster()). */
  cairo_surface_t *raster_surface;
  GdkTexture     *raster;
  LodeView        raster_view;
  double          raster_x;
  double          raster_y;
  double          raster_width;
  double          raster_height;
  double          reference;
  guint           content_serial;  /* bumped by snapshot, mode, colours */
  guint           raster_serial;   /* content_serial of the raster */
  GAsyncQueue    *raster_done;     /* RasterJob, finished by the worker */
  GSource        *raster_source;   /* delivers them on the main thread */
  gboolean        raster_in_flight;

  /* Candles, axes and the rest, recorded once per view. */
  GskRenderNode  *base_node;

  /* Gestures. */
  LodeView        gesture_start_view;
  gboolean        drag_zooms_price;
};

G_DEFINE_FINAL_TYPE (LodeChartView, lode_chart_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SNAPSHOT,
  PROP_MODE,
  PROP_COLORMAP,
  PROP_INTENSITY,
  PROP_SHOW_PROFILE,
  PROP_MESSAGE,
  PROP_RENDERING,
  PROP_BOOK,
  PROP_CONFLUENCE,
  PROP_SHOW_DEPTH_BANDS,
  PROP_PRINTS,
  PROP_LIVE_CANDLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  VIEW_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void request_raster (LodeChartView *self);

static gboolean
theme_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  /* A light foreground means a dark theme, whichever way it was chosen. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

static void
fill_frame (LodeChartView  *self,
            LodeChartFrame *frame,
            gboolean        with_crosshair)
{
  lode_chart_frame_init (frame);
  frame->snapshot = self->snapshot;
  frame->mode = self->mode;
  frame->colormap = self->colormap;
  frame->gamma = self->intensity;
  frame->show_profile = self->show_profile;
  frame->show_legend = TRUE;
  frame->has_highlight = self->has_highlight;
  frame->highlight_low = self->highlight_low;
  frame->highlight_high = self->highlight_high;
  frame->message = self->message;
  frame->candle_index = self->candle_index;
  frame->book = self->book;
  frame->confluence = self->confluence;
  frame->show_depth_bands = self->show_depth_bands;
  frame->has_cascade = self->has_cascade;
  frame->cascade_trigger = self->cascade_trigger;
  if (self->prints != NULL)
    {
      frame->prints = (const LodeLiqPrint *) self->prints->data;
      frame->n_prints = self->prints->len;
    }
  frame->live_candle = self->live_candle;
  frame->light_background = !theme_is_dark (GTK_WIDGET (self));
  if (with_crosshair && self->pointer_inside)
    {
      frame->has_crosshair = TRUE;
      frame->crosshair_x = self->pointer_x;
      frame->crosshair_y = self->pointer_y;
    }
}

static gboolean
views_equal (const LodeView *a,
             const LodeView *b)
{
  return a->width == b->width && a->height == b->height
         && a->index_min == b->index_min && a->index_max == b->index_max
         && a->price_min == b->price_min && a->price_max == b->price_max;
}

static LodeMarket *
current_market (LodeChartView *self)
{
  return self->snapshot != NULL ? lode_snapshot_get_market (self->snapshot) : NULL;
}

/* Every change of what is drawn, except the crosshair, comes through here. */
static void
invalidate_base (LodeChartView *self)
{
  g_clear_pointer (&self->base_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
invalidate_content (LodeChartView *self)
{
  self->content_serial++;
  invalidate_base (self);
}

/* After any change of the view: keep it sane, follow the candles' prices
 * when auto-scaling, redraw. */
static void
view_changed (LodeChartView *self)
{
  LodeMarket *market = current_market (self);

  if (market != NULL)
    {
      lode_view_clamp (&self->view, market);
      if (self->view.price_auto)
        lode_view_autoscale_indexed (&self->view, self->candle_index);
    }
  invalidate_base (self);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

/* The chart's worker thread ---------------------------------------------
 *
 * Rasters are made, and snapshots let go of, in one thread of the chart's
 * own, below the main thread: on a machine with few cores that work
 * competes with the UI for the CPU, and the UI must win (issue #7, no
 * freeze). The thread hands its results back without taking the main
 * context's lock. A GTask would: its return attaches a source under that
 * lock, and the write that wakes the main thread lets the kernel switch
 * to it at once, while the lowered worker still holds the lock; the main
 * thread then blocks until the worker gets a CPU again, which on a busy
 * machine took tens of milliseconds (test-no-freeze, under load). Here
 * the worker queues the result and wakes the main context, which takes
 * no lock; a source of the chart's picks it up. */

typedef struct
{
  GFunc    func;   /* run in the worker with @data */
  gpointer data;
} Work;

/* The pool is exclusive: its thread runs the chart's work alone, so
 * lowering it lowers nothing else (GTask's pool threads are shared). */
static void
run_work (gpointer data,
          gpointer user_data)
{
  Work *work = data;

#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif
  work->func (work->data, NULL);
  g_free (work);
}

static void
push_work (GFunc    func,
           gpointer data)
{
  static GThreadPool *pool;
  Work *work = g_new (Work, 1);

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (run_work, NULL, 1, TRUE, NULL));

  work->func = func;
  work->data = data;
  g_thread_pool_push (pool, work, NULL);
}

static void
release_work (gpointer data,
              gpointer user_data)
{
  lode_snapshot_unref (data);
}

/* A year's snapshot is hundreds of megabytes in large blocks; handing
 * them back to the system costs 5–20 ms (every page is unmapped), a
 * stall if it happens on the main thread. The chart's reference may be
 * the last one, so it is dropped in the worker. */
static void
release_snapshot (LodeSnapshot *snapshot)
{
  if (snapshot != NULL)
    push_work (release_work, snapshot);
}

/* Raster jobs ---------------------------------------------------------- */

typedef struct
{
  cairo_surface_t *surface;
  double           x, y, width, height;
  double           reference;
} RasterResult;

typedef struct
{
  LodeView        view;
  LodeChartFrame  frame;
  LodeSnapshot   *snapshot;
  double          scale;
  guint           serial;
  GAsyncQueue    *done;      /* where the worker puts the job when done */
  GMainContext   *context;   /* to wake when done */
  RasterResult    result;
} RasterJob;

static void
raster_job_free (RasterJob *job)
{
  g_clear_pointer (&job->snapshot, lode_snapshot_unref);
  g_clear_pointer (&job->done, g_async_queue_unref);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->result.surface, cairo_surface_destroy);
  g_free (job);
}

static void
raster_work (gpointer data,
             gpointer user_data)
{
  RasterJob *job = data;
  RasterResult *result = &job->result;
  const LodeView *v = &job->view;
  GAsyncQueue *done;
  GMainContext *context;
  cairo_surface_t *cells;
  double x, y, w, h;
  cairo_t *cr;

  job->frame.snapshot = job->snapshot;
  job->frame.candle_index = NULL;
  cells = lode_chart_render_heatmap_raster (v, &job->frame, job->scale,
                                            &x, &y, &w, &h, &result->reference);
  /* The view may have moved to a newer snapshot meanwhile: this reference
   * may be the last, and is dropped here rather than on the main thread
   * (see release_snapshot()). */
  job->frame.snapshot = NULL;
  g_clear_pointer (&job->snapshot, lode_snapshot_unref);

  if (cells != NULL)
    {
      /* Scaled here, nearest neighbour, to the plot's device pixels: GTK
       * 4.8 scales textures with a linear filter, which would smear
       * one-column-per-candle heat. Drawn 1:1 for the view it was made for. */
      result->x = v->plot_x;
      result->y = v->plot_y;
      result->width = v->plot_width;
      result->height = v->plot_height;
      result->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                    MAX (1, (int) ceil (v->plot_width * job->scale)),
                                                    MAX (1, (int) ceil (v->plot_height * job->scale)));
      cr = cairo_create (result->surface);
      cairo_scale (cr, job->scale, job->scale);
      cairo_translate (cr, -v->plot_x, -v->plot_y);
      lode_chart_render_paint_raster (cr, v, cells, x, y, w, h);
      cairo_destroy (cr);
      cairo_surface_destroy (cells);
    }

  /* The queue holds the job, not the job the queue: a chart gone meanwhile
   * drops the queue, and the job with it. Once pushed, the job is the
   * main thread's. */
  done = g_steal_pointer (&job->done);
  context = g_steal_pointer (&job->context);
  g_async_queue_push (done, job);
  g_main_context_wakeup (context);
  g_async_queue_unref (done);
  g_main_context_unref (context);
}

typedef struct
{
  GSource      parent;
  GAsyncQueue *done;
} RasterSource;

static gboolean
raster_source_prepare (GSource *source,
                       int     *timeout)
{
  *timeout = -1;
  return g_async_queue_length (((RasterSource *) source)->done) > 0;
}

static gboolean
raster_source_check (GSource *source)
{
  return g_async_queue_length (((RasterSource *) source)->done) > 0;
}

static gboolean
raster_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  return callback (user_data);
}

static void
raster_source_finalize (GSource *source)
{
  g_async_queue_unref (((RasterSource *) source)->done);
}

static GSourceFuncs raster_source_funcs = {
  raster_source_prepare,
  raster_source_check,
  raster_source_dispatch,
  raster_source_finalize,
  NULL,
  NULL,
};

static GdkTexture *
texture_for_surface (cairo_surface_t *surface)
{
  g_autoptr(GBytes) bytes = NULL;
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);

  /* No copy: the bytes keep the surface alive. GDK_MEMORY_DEFAULT is
   * cairo's native-endian premultiplied ARGB32. */
  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) height * stride,
                                      (GDestroyNotify) cairo_surface_destroy,
                                      cairo_surface_reference (surface));
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), height,
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}

static void
apply_raster (LodeChartView *self,
              RasterJob     *job)
{
  RasterResult *result = &job->result;

  self->raster_in_flight = FALSE;

  g_clear_object (&self->raster);
  g_clear_pointer (&self->raster_surface, cairo_surface_destroy);
  self->raster_surface = g_steal_pointer (&result->surface);
  self->raster_view = job->view;
  self->raster_x = result->x;
  self->raster_y = result->y;
  self->raster_width = result->width;
  self->raster_height = result->height;
  self->raster_serial = job->serial;
  if (self->reference != result->reference)
    {
      self->reference = result->reference;
      g_clear_pointer (&self->base_node, gsk_render_node_unref);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* The view may have moved on while this one was computed. */
  request_raster (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERING]);
}

static gboolean
on_rasters_done (gpointer user_data)
{
  LodeChartView *self = user_data;
  RasterJob *job;

  while ((job = g_async_queue_try_pop (self->raster_done)) != NULL)
    {
      apply_raster (self, job);
      raster_job_free (job);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
raster_is_current (LodeChartView *self)
{
  return self->raster_serial == self->content_serial
         && views_equal (&self->raster_view, &self->view);
}

/* Starts a raster job for the current view unless one runs: when it ends,
 * raster_done() asks again, so at most one job runs and the last view wins. */
static void
request_raster (LodeChartView *self)
{
  RasterJob *job;

  if (self->raster_in_flight || self->snapshot == NULL || self->view.width <= 0
      || raster_is_current (self))
    return;

  job = g_new0 (RasterJob, 1);
  job->view = self->view;
  fill_frame (self, &job->frame, FALSE);
  /* The raster needs the heat only: nothing the chart may replace while
   * the worker runs is left for it to follow. */
  job->frame.message = NULL;
  job->frame.book = NULL;
  job->frame.confluence = NULL;
  job->frame.prints = NULL;
  job->frame.n_prints = 0;
  job->frame.live_candle = NULL;
  job->frame.candle_index = NULL;
  job->snapshot = lode_snapshot_ref (self->snapshot);
  job->scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  job->serial = self->content_serial;

  job->done = g_async_queue_ref (self->raster_done);
  job->context = g_main_context_ref (g_source_get_context (self->raster_source));

  self->raster_in_flight = TRUE;
  push_work (raster_work, job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERING]);
}

/* Drawing ----------------------------------------------------------------- */

static void
palette_for (LodeChartView    *self,
             LodeChartPalette *palette)
{
  lode_chart_palette_init_default (palette, theme_is_dark (GTK_WIDGET (self)));
}

/* TRUE when the window is drawn by GSK's cairo renderer (GSK_RENDERER=cairo,
 * or no GL). GTK 4.8's cairo renderer draws a texture node by downloading
 * the texture into a new image surface every frame, through a float
 * conversion of each pixel, and then scaling it with a padded bilinear
 * pattern: for a plot-sized heatmap that alone is ~10 ms of main-thread
 * time per frame of a pan. Handed our own surface in a cairo node, it
 * blits it with nearest-neighbour filtering instead. */
static gboolean
drawn_with_cairo (LodeChartView *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

static void
append_raster (LodeChartView *self,
               GtkSnapshot   *snapshot)
{
  const LodeView *v0 = &self->raster_view;
  const LodeView *v = &self->view;
  graphene_rect_t plot = GRAPHENE_RECT_INIT (v->plot_x, v->plot_y, v->plot_width, v->plot_height);
  double i0, i1, p_top, p_bottom, x0, x1, y0, y1;

  if (self->raster_surface == NULL || self->raster_serial != self->content_serial)
    return;

  /* The raster's data extent in its own view, placed in the current one. */
  i0 = lode_view_index_for_x (v0, self->raster_x);
  i1 = lode_view_index_for_x (v0, self->raster_x + self->raster_width);
  p_top = lode_view_price_for_y (v0, self->raster_y);
  p_bottom = lode_view_price_for_y (v0, self->raster_y + self->raster_height);
  x0 = lode_view_x_for_index (v, i0);
  x1 = lode_view_x_for_index (v, i1);
  y0 = lode_view_y_for_price (v, p_top);
  y1 = lode_view_y_for_price (v, p_bottom);
  if (!(x1 > x0) || !(y1 > y0))
    return;

  if (drawn_with_cairo (self))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &plot);

      cairo_rectangle (cr, plot.origin.x, plot.origin.y, plot.size.width, plot.size.height);
      cairo_clip (cr);
      cairo_translate (cr, x0, y0);
      cairo_scale (cr,
                   (x1 - x0) / cairo_image_surface_get_width (self->raster_surface),
                   (y1 - y0) / cairo_image_surface_get_height (self->raster_surface));
      cairo_set_source_surface (cr, self->raster_surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_destroy (cr);
      return;
    }

  /* A GL renderer uploads a texture once and then only places it. */
  if (self->raster == NULL)
    self->raster = texture_for_surface (self->raster_surface);
  gtk_snapshot_push_clip (snapshot, &plot);
  gtk_snapshot_append_texture (snapshot, self->raster,
                               &GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0));
  gtk_snapshot_pop (snapshot);
}

static GskRenderNode *
record_base (LodeChartView          *self,
             const LodeChartPalette *palette)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  LodeChartFrame frame;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, self->view.width, self->view.height);
  cairo_t *cr;

  fill_frame (self, &frame, FALSE);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  lode_chart_render_base (cr, &self->view, palette, &frame, self->reference);
  cairo_destroy (cr);

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
lode_chart_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  LodeChartView *self = LODE_CHART_VIEW (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, self->view.width, self->view.height);
  LodeChartPalette palette;
  LodeChartFrame frame;
  cairo_t *cr;

  if (self->view.width <= 0 || self->view.height <= 0)
    return;

  palette_for (self, &palette);

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  lode_chart_render_background (cr, &self->view, &palette);
  cairo_destroy (cr);

  append_raster (self, snapshot);
  request_raster (self);

  if (self->base_node == NULL)
    self->base_node = record_base (self, &palette);
  gtk_snapshot_append_node (snapshot, self->base_node);

  if (self->pointer_inside)
    {
      fill_frame (self, &frame, TRUE);
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      lode_chart_render_overlay (cr, &self->view, &palette, &frame);
      cairo_destroy (cr);
    }
}

static void
lode_chart_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  LodeChartView *self = LODE_CHART_VIEW (widget);

  if (width == self->view.width && height == self->view.height)
    return;

  lode_view_set_size (&self->view, width, height);
  view_changed (self);
}

static void
lode_chart_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 240;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 960 : 600;
}

static void
lode_chart_view_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lode_chart_view_parent_class)->css_changed (widget, change);

  /* The palette follows the theme (light or dark). */
  invalidate_base (LODE_CHART_VIEW (widget));
}

/* Input ------------------------------------------------------------------- */

static gboolean
on_price_axis (LodeChartView *self,
               double         x)
{
  return x > self->view.plot_x + self->view.plot_width + self->view.profile_width;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               LodeChartView  *self)
{
  self->gesture_start_view = self->view;
  self->drag_zooms_price = on_price_axis (self, x);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   self->drag_zooms_price ? "ns-resize" : "grabbing");
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LodeChartView  *self)
{
  self->view = self->gesture_start_view;

  if (self->drag_zooms_price)
    {
      /* Dragging down on the price axis widens the range, as on trading
       * terminals; about a factor e per 200 px. */
      lode_view_zoom_price (&self->view, exp (-dy / 200.0),
                            self->view.plot_y + self->view.plot_height / 2.0);
    }
  else
    {
      /* A horizontal drag keeps auto-scaling; a vertical one takes over
       * the price axis. */
      lode_view_pan (&self->view, dx, self->view.price_auto && fabs (dy) < 8 ? 0 : dy);
    }
  view_changed (self);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             LodeChartView  *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           LodeChartView            *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean smooth = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_SURFACE;
  double x = self->pointer_inside ? self->pointer_x : self->view.plot_x + self->view.plot_width;
  double y = self->pointer_inside ? self->pointer_y : self->view.plot_y + self->view.plot_height / 2.0;
  /* Wheel clicks zoom in steps; touchpads continuously. */
  double factor = smooth ? exp (-dy * 0.01) : pow (ZOOM_STEP, -dy);

  if (smooth && fabs (dx) > fabs (dy))
    lode_view_pan (&self->view, -dx, 0);
  else if (state & GDK_CONTROL_MASK)
    lode_view_zoom_price (&self->view, factor, y);
  else if (state & GDK_SHIFT_MASK)
    lode_view_pan (&self->view, (smooth ? -dy : -dy * 40), 0);
  else
    lode_view_zoom_time (&self->view, factor, x);

  view_changed (self);
  return GDK_EVENT_STOP;
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               LodeChartView    *self)
{
  self->gesture_start_view = self->view;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       LodeChartView  *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    return;

  self->view = self->gesture_start_view;
  lode_view_zoom_time (&self->view, scale, cx);
  view_changed (self);
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  LodeChartView   *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    lode_chart_view_fit (self);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           LodeChartView            *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  /* Only the overlay changes: the cached base and raster stay. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          LodeChartView            *self)
{
  self->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Actions ----------------------------------------------------------------- */

static void
action_pan (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  LodeChartView *self = LODE_CHART_VIEW (widget);
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  lode_view_pan (&self->view,
                 dx * PAN_STEP * self->view.plot_width,
                 dy * PAN_STEP * self->view.plot_height);
  view_changed (self);
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LodeChartView *self = LODE_CHART_VIEW (widget);
  gboolean in = g_str_has_suffix (action_name, "-in");
  double factor = in ? ZOOM_STEP : 1.0 / ZOOM_STEP;

  if (g_str_has_prefix (action_name, "chart.zoom-price"))
    lode_view_zoom_price (&self->view, factor,
                          self->view.plot_y + self->view.plot_height / 2.0);
  else  /* keep the latest candles where they are */
    lode_view_zoom_time (&self->view, factor, self->view.plot_x + self->view.plot_width);
  view_changed (self);
}

static void
action_fit (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  lode_chart_view_fit (LODE_CHART_VIEW (widget));
}

/* GObject ----------------------------------------------------------------- */

static void
lode_chart_view_dispose (GObject *object)
{
  LodeChartView *self = LODE_CHART_VIEW (object);

  /* A raster still in the worker ends up in a queue nobody reads, and is
   * freed with it. */
  if (self->raster_source != NULL)
    g_source_destroy (self->raster_source);
  g_clear_pointer (&self->raster_source, g_source_unref);
  g_clear_pointer (&self->raster_done, g_async_queue_unref);
  g_clear_object (&self->raster);
  g_clear_pointer (&self->raster_surface, cairo_surface_destroy);
  g_clear_pointer (&self->base_node, gsk_render_node_unref);
  g_clear_pointer (&self->snapshot, lode_snapshot_unref);
  g_clear_pointer (&self->candle_index, lode_candle_index_free);
  g_clear_pointer (&self->book, lode_book_unref);
  g_clear_pointer (&self->confluence, g_array_unref);
  g_clear_pointer (&self->prints, g_array_unref);
  g_clear_pointer (&self->live_candle, g_free);

  G_OBJECT_CLASS (lode_chart_view_parent_class)->dispose (object);
}

static void
lode_chart_view_finalize (GObject *object)
{
  LodeChartView *self = LODE_CHART_VIEW (object);

  g_free (self->message);

  G_OBJECT_CLASS (lode_chart_view_parent_class)->finalize (object);
}

static void
lode_chart_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LodeChartView *self = LODE_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_COLORMAP:
      g_value_set_enum (value, self->colormap);
      break;
    case PROP_INTENSITY:
      g_value_set_double (value, self->intensity);
      break;
    case PROP_SHOW_PROFILE:
      g_value_set_boolean (value, self->show_profile);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_RENDERING:
      g_value_set_boolean (value, lode_chart_view_get_rendering (self));
      break;
    case PROP_BOOK:
      g_value_set_boxed (value, self->book);
      break;
    case PROP_CONFLUENCE:
      g_value_set_boxed (value, self->confluence);
      break;
    case PROP_SHOW_DEPTH_BANDS:
      g_value_set_boolean (value, self->show_depth_bands);
      break;
    case PROP_PRINTS:
      g_value_set_boxed (value, self->prints);
      break;
    case PROP_LIVE_CANDLE:
      g_value_set_boxed (value, self->live_candle);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_chart_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LodeChartView *self = LODE_CHART_VIEW (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      lode_chart_view_set_snapshot (self, g_value_get_boxed (value));
      break;
    case PROP_MODE:
      lode_chart_view_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_COLORMAP:
      if (self->colormap != (LodeColormapId) g_value_get_enum (value))
        {
          self->colormap = g_value_get_enum (value);
          invalidate_content (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_INTENSITY:
      if (self->intensity != g_value_get_double (value))
        {
          self->intensity = g_value_get_double (value);
          invalidate_content (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SHOW_PROFILE:
      if (self->show_profile != g_value_get_boolean (value))
        {
          self->show_profile = g_value_get_boolean (value);
          invalidate_base (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_MESSAGE:
      lode_chart_view_set_message (self, g_value_get_string (value));
      break;
    case PROP_BOOK:
      g_clear_pointer (&self->book, lode_book_unref);
      self->book = g_value_dup_boxed (value);
      invalidate_base (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_CONFLUENCE:
      g_clear_pointer (&self->confluence, g_array_unref);
      self->confluence = g_value_dup_boxed (value);
      invalidate_base (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_LIVE_CANDLE:
      /* Only the base layer (candles, last price) changes: the heatmap
       * raster stays. */
      g_clear_pointer (&self->live_candle, g_free);
      self->live_candle = g_value_dup_boxed (value);
      invalidate_base (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_PRINTS:
      g_clear_pointer (&self->prints, g_array_unref);
      self->prints = g_value_dup_boxed (value);
      invalidate_base (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_SHOW_DEPTH_BANDS:
      if (self->show_depth_bands != g_value_get_boolean (value))
        {
          self->show_depth_bands = g_value_get_boolean (value);
          invalidate_base (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lode_chart_view_class_init (LodeChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lode_chart_view_dispose;
  object_class->finalize = lode_chart_view_finalize;
  object_class->get_property = lode_chart_view_get_property;
  object_class->set_property = lode_chart_view_set_property;

  widget_class->snapshot = lode_chart_view_snapshot;
  widget_class->measure = lode_chart_view_measure;
  widget_class->size_allocate = lode_chart_view_size_allocate;
  widget_class->css_changed = lode_chart_view_css_changed;

  properties[PROP_SNAPSHOT] = g_param_spec_boxed ("snapshot", NULL, NULL, LODE_TYPE_SNAPSHOT, rw);
  properties[PROP_MODE] = g_param_spec_enum ("mode", NULL, NULL, LODE_TYPE_RENDER_MODE,
                                             LODE_RENDER_MODE_SMOOTHED, rw);
  properties[PROP_COLORMAP] = g_param_spec_enum ("colormap", NULL, NULL, LODE_TYPE_COLORMAP_ID,
                                                 LODE_COLORMAP_MAGMA, rw);
  properties[PROP_INTENSITY] = g_param_spec_double ("intensity", NULL, NULL, 0.1, 4.0, 1.0, rw);
  properties[PROP_SHOW_PROFILE] = g_param_spec_boolean ("show-profile", NULL, NULL, TRUE, rw);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, rw);
  properties[PROP_RENDERING] = g_param_spec_boolean ("rendering", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOOK] = g_param_spec_boxed ("book", NULL, NULL, LODE_TYPE_BOOK, rw);
  properties[PROP_CONFLUENCE] = g_param_spec_boxed ("confluence", NULL, NULL, G_TYPE_ARRAY, rw);
  properties[PROP_SHOW_DEPTH_BANDS] = g_param_spec_boolean ("show-depth-bands", NULL, NULL, FALSE, rw);
  properties[PROP_PRINTS] = g_param_spec_boxed ("prints", NULL, NULL, G_TYPE_ARRAY, rw);
  properties[PROP_LIVE_CANDLE] = g_param_spec_boxed ("live-candle", NULL, NULL, LODE_TYPE_CANDLE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The visible range or the price axis moved (pan, zoom, fit, resize). */
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "chart.pan", "(ii)", action_pan);
  gtk_widget_class_install_action (widget_class, "chart.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "chart.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "chart.zoom-price-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "chart.zoom-price-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "chart.fit", NULL, action_fit);

  /* Arrows move the data as a drag would: Left brings earlier candles in. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "chart.pan", "(ii)", 1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "chart.pan", "(ii)", -1, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "chart.pan", "(ii)", 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "chart.pan", "(ii)", 0, -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "chart.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "chart.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "chart.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "chart.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "chart.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK, "chart.zoom-price-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK, "chart.zoom-price-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "chart.fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "chartview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lode_chart_view_init (LodeChartView *self)
{
  GtkGesture *drag, *zoom, *click;
  GtkEventController *scroll, *motion;

  self->raster_done = g_async_queue_new_full ((GDestroyNotify) raster_job_free);
  self->raster_source = g_source_new (&raster_source_funcs, sizeof (RasterSource));
  ((RasterSource *) self->raster_source)->done = g_async_queue_ref (self->raster_done);
  g_source_set_callback (self->raster_source, on_rasters_done, self, NULL);
  g_source_set_static_name (self->raster_source, "LodeChartView rasters");
  g_source_attach (self->raster_source, NULL);

  self->mode = LODE_RENDER_MODE_SMOOTHED;
  self->colormap = LODE_COLORMAP_MAGMA;
  self->intensity = 1.0;
  self->show_profile = TRUE;
  lode_view_init (&self->view, 0, 0);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect (zoom, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
lode_chart_view_new (void)
{
  return g_object_new (LODE_TYPE_CHART_VIEW, NULL);
}

LodeSnapshot *
lode_chart_view_get_snapshot (LodeChartView *self)
{
  g_return_val_if_fail (LODE_IS_CHART_VIEW (self), NULL);

  return self->snapshot;
}

/* TRUE when @market continues @old (a refresh): same interval, same first
 * candle, no fewer candles. Then the user's view is kept. */
static gboolean
same_series (LodeMarket *old,
             LodeMarket *market)
{
  return old != NULL
         && lode_market_get_interval_ms (old) == lode_market_get_interval_ms (market)
         && lode_market_get_candle (old, 0)->time_ms == lode_market_get_candle (market, 0)->time_ms
         && lode_market_get_n_candles (market) >= lode_market_get_n_candles (old);
}

void
lode_chart_view_set_snapshot (LodeChartView *self,
                              LodeSnapshot  *snapshot)
{
  LodeSnapshot *old;

  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  if (self->snapshot == snapshot)
    return;

  old = g_steal_pointer (&self->snapshot);
  g_clear_pointer (&self->candle_index, lode_candle_index_free);
  if (snapshot != NULL)
    {
      LodeMarket *market = lode_snapshot_get_market (snapshot);

      self->snapshot = lode_snapshot_ref (snapshot);
      /* ~1.5 ms for a year of minutes; keeps auto-scaling O(blocks). */
      self->candle_index = lode_candle_index_new (market);
      if (old == NULL || !same_series (lode_snapshot_get_market (old), market))
        {
          self->has_highlight = FALSE;
          self->has_cascade = FALSE;
          lode_view_fit_latest (&self->view, market, FIT_CANDLES);
        }
    }

  invalidate_content (self);
  view_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
  release_snapshot (old);
}

LodeRenderMode
lode_chart_view_get_mode (LodeChartView *self)
{
  g_return_val_if_fail (LODE_IS_CHART_VIEW (self), LODE_RENDER_MODE_RAW);

  return self->mode;
}

void
lode_chart_view_set_mode (LodeChartView  *self,
                          LodeRenderMode  mode)
{
  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  if (self->mode == mode)
    return;

  self->mode = mode;
  invalidate_content (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

void
lode_chart_view_set_message (LodeChartView *self,
                             const char    *message)
{
  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  invalidate_base (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

void
lode_chart_view_focus_zone (LodeChartView *self,
                            double         low,
                            double         high)
{
  LodeMarket *market;

  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  market = current_market (self);
  if (market != NULL && self->view.index_max < lode_market_get_n_candles (market))
    lode_view_fit_latest (&self->view, market, FIT_CANDLES);

  self->has_highlight = TRUE;
  self->highlight_low = low;
  self->highlight_high = high;
  lode_view_center_on_prices (&self->view, low, high);
  view_changed (self);
}

void
lode_chart_view_set_cascade (LodeChartView *self,
                             gboolean       has_cascade,
                             double         trigger)
{
  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  self->has_cascade = has_cascade;
  self->cascade_trigger = trigger;
  invalidate_base (self);
}

/* Issue #6 accuracy, computed in a worker: the job holds references to
 * the snapshot and the prints (both immutable) and a copy of the view. */
typedef struct
{
  LodeSnapshot    *snapshot;
  GArray          *prints;
  LodeHeatmapView  view;
  double           reference;
} AccuracyJob;

static void
accuracy_job_free (AccuracyJob *job)
{
  g_clear_pointer (&job->snapshot, lode_snapshot_unref);
  g_clear_pointer (&job->prints, g_array_unref);
  g_free (job);
}

static void
accuracy_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AccuracyJob *job = task_data;
  LodeFlowAccuracyParams params;
  LodeFlowAccuracy accuracy;
  double *share = g_new (double, 1);

  lode_flow_accuracy_params_init_default (&params);
  params.reference = job->reference;
  lode_flow_accuracy (job->snapshot, &job->view, (const LodeLiqPrint *) job->prints->data,
                      job->prints->len, &params, &accuracy);
  *share = accuracy.share;
  /* Possibly the last reference (see release_snapshot()). */
  g_clear_pointer (&job->snapshot, lode_snapshot_unref);
  g_task_return_pointer (task, share, g_free);
}

void
lode_chart_view_compute_accuracy_async (LodeChartView       *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LodeMarket *market;
  AccuracyJob *job;
  LodeHeatmapView view = { 0 };
  double *share;

  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lode_chart_view_compute_accuracy_async);

  market = current_market (self);
  if (market == NULL || self->prints == NULL || self->prints->len == 0
      || !lode_view_get_heatmap_view (&self->view, market, self->mode, 1, 200, &view)
      || view.n_candles > 2000)
    {
      /* Nothing to judge (NaN), or too many candles in view for the
       * one-column-per-candle grid it needs (−1). */
      share = g_new (double, 1);
      *share = market == NULL || self->prints == NULL || self->prints->len == 0
               || view.n_candles <= 2000 ? NAN : -1.0;
      g_task_return_pointer (task, share, g_free);
      return;
    }

  job = g_new0 (AccuracyJob, 1);
  job->snapshot = lode_snapshot_ref (self->snapshot);
  job->prints = g_array_ref (self->prints);
  job->view = view;
  job->reference = self->reference;
  g_task_set_task_data (task, job, (GDestroyNotify) accuracy_job_free);
  g_task_run_in_thread (task, accuracy_worker);
}

double
lode_chart_view_compute_accuracy_finish (LodeChartView  *self,
                                         GAsyncResult   *result,
                                         GError        **error)
{
  g_autofree double *share = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NAN);

  share = g_task_propagate_pointer (G_TASK (result), error);
  return share != NULL ? *share : NAN;
}

LodeBook *
lode_chart_view_get_book (LodeChartView *self)
{
  g_return_val_if_fail (LODE_IS_CHART_VIEW (self), NULL);

  return self->book;
}

void
lode_chart_view_clear_highlight (LodeChartView *self)
{
  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  if (!self->has_highlight)
    return;

  self->has_highlight = FALSE;
  invalidate_base (self);
}

void
lode_chart_view_fit (LodeChartView *self)
{
  LodeMarket *market;

  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  market = current_market (self);
  if (market == NULL)
    return;

  lode_view_fit_latest (&self->view, market, FIT_CANDLES);
  view_changed (self);
}

const LodeView *
lode_chart_view_get_view (LodeChartView *self)
{
  g_return_val_if_fail (LODE_IS_CHART_VIEW (self), NULL);

  return &self->view;
}

gboolean
lode_chart_view_get_rendering (LodeChartView *self)
{
  g_return_val_if_fail (LODE_IS_CHART_VIEW (self), FALSE);

  return self->raster_in_flight
         || (self->snapshot != NULL && self->view.width > 0 && !raster_is_current (self));
}

void
lode_chart_view_get_frame (LodeChartView    *self,
                           LodeView         *view,
                           LodeChartPalette *palette,
                           LodeChartFrame   *frame)
{
  g_return_if_fail (LODE_IS_CHART_VIEW (self));

  *view = self->view;
  palette_for (self, palette);
  fill_frame (self, frame, FALSE);
}
