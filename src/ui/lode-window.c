/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "lode-data-controller.h"
#include "lode-data-export.h"
#include "lode-export.h"
#include "lode-side-panel.h"
#include "lode-source.h"
#include "lode-window.h"

struct _LodeWindow
{
  GtkApplicationWindow  parent_instance;

  LodeDataController   *controller;
  GCancellable         *cancellable;  /* cancelled when the window closes */
  GtkFileChooserNative *chooser;
  gboolean              settings_bound;

  GtkHeaderBar         *header_bar;
  GtkLabel             *subtitle;
  GtkSpinner           *spinner;
  GtkProgressBar       *progress_bar;
  GtkInfoBar           *notice_bar;
  GtkLabel             *notice_label;
  GtkMenuButton        *primary_menu_button;
  GtkInfoBar           *error_bar;
  GtkLabel             *error_label;
  LodeChartView        *chart_view;
  GtkRevealer          *panel_revealer;
  LodeSidePanel        *side_panel;
};

G_DEFINE_FINAL_TYPE (LodeWindow, lode_window, GTK_TYPE_APPLICATION_WINDOW)

static GSettings *
window_settings (LodeWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (!LODE_IS_APPLICATION (app))
    return NULL;

  return lode_application_get_settings (LODE_APPLICATION (app));
}

/* State shown around the chart ------------------------------------------ */

static void
update_subtitle (LodeWindow *self)
{
  LodeSnapshot *snapshot = lode_data_controller_get_snapshot (self->controller);
  const char *label = lode_data_controller_get_source_label (self->controller);
  g_autofree char *interval = NULL;
  g_autofree char *text = NULL;
  const char *symbol = snapshot ? lode_snapshot_get_symbol (snapshot) : NULL;

  gint64 updated = lode_data_controller_get_updated (self->controller);
  g_autofree char *source = NULL;
  g_autofree char *base = NULL;

  g_object_get (self->controller, "interval", &interval, "source", &source, NULL);

  if (label == NULL)
    base = g_strdup (_("Loading…"));
  else if (symbol != NULL)
    /* Translators: symbol · source · candle interval, e.g. "BTCUSDT · Binance · 1h" */
    base = g_strdup_printf (_("%s · %s · %s"), symbol, label, interval);
  else
    base = g_strdup_printf (_("%s · %s"), label, interval);

  /* Live sources say how fresh they are, in local time. */
  if (updated > 0 && g_strcmp0 (source, "demo") != 0 && g_strcmp0 (source, "file") != 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (updated / 1000);
      g_autofree char *clock = g_date_time_format (time, "%X");

      /* Translators: the subtitle, then the time of the last update */
      text = g_strdup_printf (_("%s · updated %s"), base, clock);
    }
  else
    text = g_steal_pointer (&base);

  gtk_label_set_label (self->subtitle, text);
}

static void
update_status (LodeWindow *self)
{
  const char *error = lode_data_controller_get_error (self->controller);
  gboolean loading = lode_data_controller_get_loading (self->controller);
  LodeSnapshot *snapshot = lode_data_controller_get_snapshot (self->controller);

  double progress;
  g_autofree char *progress_text = NULL;
  g_autofree char *notice = NULL;

  g_object_get (self->controller, "progress", &progress, "progress-text", &progress_text,
                "notice", &notice, NULL);

  /* A page count for history downloads, a spinner for everything else. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), loading && progress_text != NULL);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, progress);
  else
    gtk_progress_bar_pulse (self->progress_bar);
  gtk_progress_bar_set_text (self->progress_bar, progress_text);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading && progress_text == NULL);

  if (notice != NULL && g_strcmp0 (notice, gtk_label_get_label (self->notice_label)) != 0)
    {
      gtk_label_set_label (self->notice_label, notice);
      gtk_info_bar_set_revealed (self->notice_bar, TRUE);
    }

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      if (snapshot != NULL)
        /* Translators: %s is what failed */
        text = g_strdup_printf (_("%s — the chart still shows the last data that loaded."), error);
      else
        text = g_strdup (error);
      gtk_label_set_label (self->error_label, text);
    }
  gtk_info_bar_set_revealed (self->error_bar, error != NULL);

  /* Over the chart: only while there is nothing else to show. */
  if (snapshot != NULL)
    lode_chart_view_set_message (self->chart_view, NULL);
  else if (error != NULL)
    lode_chart_view_set_message (self->chart_view, error);
  else
    lode_chart_view_set_message (self->chart_view, _("Loading…"));

  update_subtitle (self);
}

static void
on_error_bar_response (LodeWindow *self,
                       int         response)
{
  gtk_info_bar_set_revealed (self->error_bar, FALSE);
}

static void
on_notice_bar_response (LodeWindow *self,
                        int         response)
{
  gtk_info_bar_set_revealed (self->notice_bar, FALSE);
}

/* Files ------------------------------------------------------------------- */

static void
show_error (LodeWindow *self,
            const char *primary,
            const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              "%s", primary);

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkFileFilter *
filter_new (const char *name,
            const char *mime_type,
            const char *pattern)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_filter_add_pattern (filter, pattern);
  return filter;
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  LodeWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        lode_data_controller_open_file (self->controller, path);
    }

  g_clear_object (&self->chooser);
}

static void
run_chooser (LodeWindow           *self,
             GtkFileChooserNative *chooser,
             GCallback             callback)
{
  g_clear_object (&self->chooser);
  self->chooser = chooser;
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", callback, self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
action_open_file (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LodeWindow *self = LODE_WINDOW (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import a CSV File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser),
                               filter_new (_("CSV files"), "text/csv", "*.csv"));
  run_chooser (self, chooser, G_CALLBACK (on_open_response));
}

static void
action_reload (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  lode_data_controller_reload (LODE_WINDOW (widget)->controller);
}

/* Export Image: the frame on screen, at its size, rendered and encoded in
 * a worker so the window stays responsive. */
typedef struct
{
  char             *path;
  gboolean          svg;
  LodeView          view;
  LodeChartPalette  palette;
  LodeChartFrame    frame;
  /* What the frame points to, owned by the job: the chart may replace
   * its own while the worker draws. */
  LodeSnapshot     *snapshot;
  LodeBook         *book;
  GArray           *confluence;
  GArray           *prints;
  LodeCandle       *live_candle;
} ExportImageJob;

static void
export_image_job_free (ExportImageJob *job)
{
  g_free (job->path);
  g_clear_pointer (&job->snapshot, lode_snapshot_unref);
  g_clear_pointer (&job->book, lode_book_unref);
  g_clear_pointer (&job->confluence, g_array_unref);
  g_clear_pointer (&job->prints, g_array_unref);
  g_free (job->live_candle);
  g_free (job);
}

/* Takes references to everything @job->frame points to. */
static void
export_image_job_own (ExportImageJob *job,
                      LodeChartView  *chart)
{
  g_autoptr(GArray) prints = NULL;

  if (job->frame.snapshot != NULL)
    job->snapshot = lode_snapshot_ref (job->frame.snapshot);
  if (job->frame.book != NULL)
    job->book = lode_book_ref ((LodeBook *) job->frame.book);
  if (job->frame.confluence != NULL)
    job->confluence = g_array_ref ((GArray *) job->frame.confluence);
  if (job->frame.live_candle != NULL)
    job->live_candle = lode_candle_copy (job->frame.live_candle);
  g_object_get (chart, "prints", &prints, NULL);
  if (prints != NULL && job->frame.prints == (const LodeLiqPrint *) (gpointer) prints->data)
    job->prints = g_steal_pointer (&prints);
  else
    {
      job->frame.prints = NULL;
      job->frame.n_prints = 0;
    }

  job->frame.snapshot = job->snapshot;
  job->frame.book = job->book;
  job->frame.confluence = job->confluence;
  job->frame.live_candle = job->live_candle;
  job->frame.message = NULL;
}

static void
export_image_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ExportImageJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  if (job->svg)
    ok = lode_export_svg (job->path, job->view.width, job->view.height,
                          &job->view, &job->palette, &job->frame, &error);
  else
    ok = lode_export_png (job->path, job->view.width, job->view.height,
                          &job->view, &job->palette, &job->frame, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_image_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LodeWindow *self = LODE_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, _("Could not export the image"), error->message);
}

static void
on_export_image_response (GtkNativeDialog *dialog,
                          int              response,
                          LodeWindow      *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GTask) task = NULL;
      ExportImageJob *job = g_new0 (ExportImageJob, 1);

      job->path = g_file_get_path (file);
      job->svg = g_str_has_suffix (job->path != NULL ? job->path : "", ".svg");
      lode_chart_view_get_frame (self->chart_view, &job->view, &job->palette, &job->frame);
      export_image_job_own (job, self->chart_view);

      task = g_task_new (self, self->cancellable, export_image_done, NULL);
      g_task_set_source_tag (task, on_export_image_response);
      g_task_set_task_data (task, job, (GDestroyNotify) export_image_job_free);
      if (job->path == NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                 _("Only local files can be written"));
      else
        g_task_run_in_thread (task, export_image_worker);
    }

  g_clear_object (&self->chooser);
}

static char *
default_file_name (LodeWindow *self,
                   const char *what,
                   const char *extension)
{
  LodeSnapshot *snapshot = lode_data_controller_get_snapshot (self->controller);
  const char *symbol = snapshot ? lode_snapshot_get_symbol (snapshot) : NULL;

  return g_strdup_printf ("lodestone-%s%s%s.%s", symbol ? symbol : "chart",
                          what ? "-" : "", what ? what : "", extension);
}

static void
action_export_image (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LodeWindow *self = LODE_WINDOW (widget);
  g_autofree char *name = default_file_name (self, NULL, "png");
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Image"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser),
                               filter_new (_("PNG image"), "image/png", "*.png"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser),
                               filter_new (_("SVG image"), "image/svg+xml", "*.svg"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  run_chooser (self, chooser, G_CALLBACK (on_export_image_response));
}

static void
on_export_data_response (GtkNativeDialog *dialog,
                         int              response,
                         LodeWindow      *self)
{
  LodeSnapshot *snapshot = lode_data_controller_get_snapshot (self->controller);

  if (response == GTK_RESPONSE_ACCEPT && snapshot != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      const char *what = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "what");
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      /* A few hundred kilobytes at most: written here, like a text editor's save. */
      if (g_strcmp0 (what, "clusters") == 0)
        text = lode_data_export_clusters_csv (lode_snapshot_get_clusters (snapshot));
      else
        text = lode_data_export_levels_csv (lode_snapshot_get_current (snapshot));

      if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                    G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
        show_error (self, _("Could not export the data"), error->message);
    }

  g_clear_object (&self->chooser);
}

static void
action_export_data (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LodeWindow *self = LODE_WINDOW (widget);
  g_autofree char *name = default_file_name (self, "levels", "csv");
  const char *options[] = { "levels", "clusters", NULL };
  const char *labels[] = { N_("Liquidation levels"), N_("Ranked clusters"), NULL };
  const char *translated[G_N_ELEMENTS (labels)] = { NULL };
  GtkFileChooserNative *chooser;

  for (guint i = 0; labels[i] != NULL; i++)
    translated[i] = _(labels[i]);

  chooser = gtk_file_chooser_native_new (_("Export Data"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser),
                               filter_new (_("CSV files"), "text/csv", "*.csv"));
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "what", _("Export"),
                               options, (const char **) translated);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "what", "levels");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  run_chooser (self, chooser, G_CALLBACK (on_export_data_response));
}

static void
update_export_actions (LodeWindow *self)
{
  gboolean has_data = lode_data_controller_get_snapshot (self->controller) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-image", has_data);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-data", has_data);
}

/* Set-up ------------------------------------------------------------------- */

static void
restore_window_state (LodeWindow *self)
{
  GSettings *settings = window_settings (self);

  if (settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Base URLs per venue and the store's bound: not properties, so set by
 * hand when they change. A file source cannot be restored without its
 * file: the demo stands in. */
static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     gpointer    user_data)
{
  LodeWindow *self = user_data;
  const char * const *venues = lode_source_list_ids ();
  g_autoptr(GSettingsSchema) schema = NULL;

  for (guint i = 0; venues[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-url", venues[i]);
      g_autofree char *url = NULL;

      if (key != NULL && !g_str_equal (key, name))
        continue;
      url = g_settings_get_string (settings, name);
      lode_data_controller_set_base_url (self->controller, venues[i], url);
    }

  g_object_get (settings, "settings-schema", &schema, NULL);
  for (guint i = 0; venues[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-ws-url", venues[i]);
      g_autofree char *url = NULL;

      /* Venues without a liquidation feed have no websocket key. */
      if ((key != NULL && !g_str_equal (key, name)) || !g_settings_schema_has_key (schema, name))
        continue;
      url = g_settings_get_string (settings, name);
      lode_data_controller_set_stream_url (self->controller, venues[i], url);
    }

  if (key == NULL || g_str_equal (key, "history-max-mb"))
    lode_data_controller_set_store_max_bytes (self->controller,
                                              (guint64) g_settings_get_uint (settings, "history-max-mb") << 20);
}

/* Settings drive the objects; the objects' own bindings drive the widgets.
 * Without a schema (an uninstalled run) everything works, unsaved. */
static void
bind_settings (LodeWindow *self)
{
  GSettings *settings = window_settings (self);

  if (settings == NULL)
    return;

  g_settings_bind (settings, "render-mode", self->chart_view, "mode", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "colormap", self->chart_view, "colormap", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "intensity-gamma", self->chart_view, "intensity", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-side-panel", self->panel_revealer, "reveal-child", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "side-panel-width", self->side_panel, "width-request", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "interval", self->controller, "interval", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "tiers", self->controller, "tiers", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "mmr", self->controller, "mmr", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "lookback", self->controller, "lookback", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "source", self->controller, "source", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "symbol", self->controller, "symbol", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "merge-venues", self->controller, "merge-venues", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "refresh-interval", self->controller, "refresh-interval", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "show-depth-bands", self->chart_view, "show-depth-bands", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "confluence-wall-multiple", self->controller, "confluence-wall-multiple",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "confluence-cluster-share", self->controller, "confluence-cluster-share",
                   G_SETTINGS_BIND_GET);

  g_signal_connect_object (settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
  on_settings_changed (settings, NULL, self);
}

static void
install_view_actions (LodeWindow *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  static const char *chart_properties[] = { "mode", "colormap", "show-profile", "show-depth-bands" };
  g_autoptr(GPropertyAction) panel = NULL;

  /* Stateful actions over the chart's properties: buttons, menus and
   * shortcuts share one state (view.mode::raw …). */
  for (guint i = 0; i < G_N_ELEMENTS (chart_properties); i++)
    {
      g_autoptr(GPropertyAction) action = g_property_action_new (chart_properties[i],
                                                                 self->chart_view,
                                                                 chart_properties[i]);
      g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "view", G_ACTION_GROUP (group));

  panel = g_property_action_new ("show-side-panel", self->panel_revealer, "reveal-child");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (panel));
}

static gboolean
lode_window_close_request (GtkWindow *window)
{
  LodeWindow *self = LODE_WINDOW (window);
  GSettings *settings = window_settings (self);

  g_cancellable_cancel (self->cancellable);

  if (settings != NULL)
    {
      int width, height;

      /* The default size tracks the unmaximized size in GTK 4. */
      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (settings);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      g_settings_apply (settings);
    }

  return GTK_WINDOW_CLASS (lode_window_parent_class)->close_request (window);
}

/* "application" is set after construction: settings come with it. */
static void
on_application_set (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  LodeWindow *self = LODE_WINDOW (object);

  if (self->settings_bound || window_settings (self) == NULL)
    return;

  self->settings_bound = TRUE;
  restore_window_state (self);
  bind_settings (self);
}

static void
lode_window_dispose (GObject *object)
{
  LodeWindow *self = LODE_WINDOW (object);

  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->chooser);

  g_clear_object (&self->controller);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lode_window_parent_class)->dispose (object);
}

static void
lode_window_class_init (LodeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lode_window_dispose;
  window_class->close_request = lode_window_close_request;

  g_type_ensure (LODE_TYPE_CHART_VIEW);
  g_type_ensure (LODE_TYPE_SIDE_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/lode-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, subtitle);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, notice_bar);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, error_bar);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, chart_view);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, panel_revealer);
  gtk_widget_class_bind_template_child (widget_class, LodeWindow, side_panel);
  gtk_widget_class_bind_template_callback (widget_class, on_error_bar_response);
  gtk_widget_class_bind_template_callback (widget_class, on_notice_bar_response);

  gtk_widget_class_install_action (widget_class, "win.open-file", NULL, action_open_file);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, action_reload);
  gtk_widget_class_install_action (widget_class, "win.export-image", NULL, action_export_image);
  gtk_widget_class_install_action (widget_class, "win.export-data", NULL, action_export_data);
}

static void
lode_window_init (LodeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->controller = lode_data_controller_new ();
  g_signal_connect (self, "notify::application", G_CALLBACK (on_application_set), NULL);

  install_view_actions (self);

  g_object_bind_property (self->controller, "snapshot", self->chart_view, "snapshot",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->controller, "book", self->chart_view, "book",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->controller, "confluence", self->chart_view, "confluence",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->controller, "prints", self->chart_view, "prints",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->controller, "live-candle", self->chart_view, "live-candle",
                          G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->controller, "notify::snapshot", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->controller, "notify::snapshot", G_CALLBACK (update_export_actions), self);
  g_signal_connect_swapped (self->controller, "notify::loading", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->controller, "notify::error", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->controller, "notify::source-label", G_CALLBACK (update_subtitle), self);
  g_signal_connect_swapped (self->controller, "notify::interval", G_CALLBACK (update_subtitle), self);
  g_signal_connect_swapped (self->controller, "notify::updated", G_CALLBACK (update_subtitle), self);
  g_signal_connect_swapped (self->controller, "notify::progress", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->controller, "notify::progress-text", G_CALLBACK (update_status), self);
  g_signal_connect_swapped (self->controller, "notify::notice", G_CALLBACK (update_status), self);

  lode_side_panel_set_chart_view (self->side_panel, self->chart_view);
  lode_side_panel_set_controller (self->side_panel, self->controller);

  update_status (self);
  update_export_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->chart_view));
}

LodeWindow *
lode_window_new (LodeApplication *application)
{
  g_return_val_if_fail (LODE_IS_APPLICATION (application), NULL);

  return g_object_new (LODE_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

LodeChartView *
lode_window_get_chart_view (LodeWindow *self)
{
  g_return_val_if_fail (LODE_IS_WINDOW (self), NULL);

  return self->chart_view;
}

LodeDataController *
lode_window_get_controller (LodeWindow *self)
{
  g_return_val_if_fail (LODE_IS_WINDOW (self), NULL);

  return self->controller;
}

LodeSidePanel *
lode_window_get_side_panel (LodeWindow *self)
{
  g_return_val_if_fail (LODE_IS_WINDOW (self), NULL);

  return self->side_panel;
}
