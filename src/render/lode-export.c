/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <cairo-svg.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "lode-export.h"

G_DEFINE_QUARK (lode-export-error-quark, lode_export_error)

/* A FILE that remembers the first write error, for cairo's stream API. */
typedef struct
{
  FILE *file;
  int   saved_errno;
} Sink;

static cairo_status_t
sink_write (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  Sink *sink = closure;

  if (sink->saved_errno != 0)
    return CAIRO_STATUS_WRITE_ERROR;

  if (fwrite (data, 1, length, sink->file) != length)
    {
      sink->saved_errno = errno != 0 ? errno : EIO;
      return CAIRO_STATUS_WRITE_ERROR;
    }

  return CAIRO_STATUS_SUCCESS;
}

static gboolean
check_size (int      width,
            int      height,
            GError **error)
{
  if (width < 1 || height < 1 || width > LODE_EXPORT_MAX_SIZE || height > LODE_EXPORT_MAX_SIZE)
    {
      g_set_error (error, LODE_EXPORT_ERROR, LODE_EXPORT_ERROR_INVALID_SIZE,
                   _("Image size %d × %d is out of range (1 to %d pixels)"),
                   width, height, LODE_EXPORT_MAX_SIZE);
      return FALSE;
    }

  return TRUE;
}

static gboolean
sink_open (Sink        *sink,
           const char  *path,
           GError     **error)
{
  sink->saved_errno = 0;
  sink->file = g_fopen (path, "wb");
  if (sink->file == NULL)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Closes the file; reports the first of a write error, a close error or a
 * cairo error. */
static gboolean
sink_close (Sink            *sink,
            const char      *path,
            cairo_status_t   status,
            GError         **error)
{
  g_autofree char *display = g_filename_display_name (path);

  if (fclose (sink->file) != 0 && sink->saved_errno == 0)
    sink->saved_errno = errno != 0 ? errno : EIO;
  sink->file = NULL;

  if (sink->saved_errno != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (sink->saved_errno),
                   _("Could not write “%s”: %s"), display, g_strerror (sink->saved_errno));
      return FALSE;
    }

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, LODE_EXPORT_ERROR, LODE_EXPORT_ERROR_FAILED,
                   _("Could not draw “%s”: %s"), display, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

static void
draw (cairo_surface_t        *surface,
      int                     width,
      int                     height,
      const LodeView         *view,
      const LodeChartPalette *palette,
      const LodeChartFrame   *frame)
{
  LodeView sized = *view;
  cairo_t *cr;

  lode_view_set_size (&sized, width, height);
  cr = cairo_create (surface);
  lode_chart_render_frame (cr, &sized, palette, frame);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
}

gboolean
lode_export_png (const char             *path,
                 int                     width,
                 int                     height,
                 const LodeView         *view,
                 const LodeChartPalette *palette,
                 const LodeChartFrame   *frame,
                 GError                **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  Sink sink;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (view != NULL, FALSE);
  g_return_val_if_fail (palette != NULL, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_size (width, height, error))
    return FALSE;

  /* Draw first: a failed open then leaves no half-made file behind, and a
   * failed draw does not touch the file. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  draw (surface, width, height, view, palette, frame);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, LODE_EXPORT_ERROR, LODE_EXPORT_ERROR_FAILED,
                   _("Could not draw the image: %s"), cairo_status_to_string (status));
      cairo_surface_destroy (surface);
      return FALSE;
    }

  if (!sink_open (&sink, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  status = cairo_surface_write_to_png_stream (surface, sink_write, &sink);
  cairo_surface_destroy (surface);

  return sink_close (&sink, path, status, error);
}

gboolean
lode_export_svg (const char             *path,
                 int                     width,
                 int                     height,
                 const LodeView         *view,
                 const LodeChartPalette *palette,
                 const LodeChartFrame   *frame,
                 GError                **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  Sink sink;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (view != NULL, FALSE);
  g_return_val_if_fail (palette != NULL, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_size (width, height, error))
    return FALSE;
  if (!sink_open (&sink, path, error))
    return FALSE;

  /* The SVG surface streams as it draws; the heatmap goes in as an
   * embedded image, the rest as vectors and text. */
  surface = cairo_svg_surface_create_for_stream (sink_write, &sink, width, height);
  draw (surface, width, height, view, palette, frame);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return sink_close (&sink, path, status, error);
}
