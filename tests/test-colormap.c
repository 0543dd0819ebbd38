/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#undef G_DISABLE_ASSERT

#include <math.h>

#include "lode-colormap.h"

static const LodeColormapId all_maps[] = {
  LODE_COLORMAP_MAGMA,
  LODE_COLORMAP_VIRIDIS,
  LODE_COLORMAP_INFERNO,
  LODE_COLORMAP_THERMAL,
};

static void
test_tables (void)
{
  g_assert_cmpint (LODE_COLORMAP_SIZE, ==, 256);

  for (guint m = 0; m < G_N_ELEMENTS (all_maps); m++)
    {
      const guint32 *t = lode_colormap_get_table (all_maps[m]);
      guint prev_alpha = 0;

      g_assert_nonnull (t);
      /* Entry 0 fully transparent, so zero heat never hides a candle. */
      g_assert_cmphex (t[0], ==, 0);

      for (guint i = 1; i < LODE_COLORMAP_SIZE; i++)
        {
          guint a = t[i] >> 24;

          /* Alpha rises with intensity; premultiplied: no channel above alpha. */
          g_assert_cmpuint (a, >, 0);
          g_assert_cmpuint (a, >=, prev_alpha);
          g_assert_cmpuint ((t[i] >> 16) & 0xff, <=, a);
          g_assert_cmpuint ((t[i] >> 8) & 0xff, <=, a);
          g_assert_cmpuint (t[i] & 0xff, <=, a);
          prev_alpha = a;
        }
      g_assert_cmpuint (t[255] >> 24, ==, 255);
    }
}

static void
test_anchor_colours (void)
{
  /* At full intensity (alpha 255) the entry is the map's last anchor:
   * magma #fcfdbf, viridis #fde725, inferno #fcffa4, thermal #ffffff. */
  g_assert_cmphex (lode_colormap_get_table (LODE_COLORMAP_MAGMA)[255], ==, 0xfffcfdbf);
  g_assert_cmphex (lode_colormap_get_table (LODE_COLORMAP_VIRIDIS)[255], ==, 0xfffde725);
  g_assert_cmphex (lode_colormap_get_table (LODE_COLORMAP_INFERNO)[255], ==, 0xfffcffa4);
  g_assert_cmphex (lode_colormap_get_table (LODE_COLORMAP_THERMAL)[255], ==, 0xffffffff);
}

static void
test_lookup (void)
{
  const guint32 *t = lode_colormap_get_table (LODE_COLORMAP_VIRIDIS);

  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, 0, 1), ==, 0);
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, -3, 1), ==, 0);
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, NAN, 1), ==, 0);
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, 1, 1), ==, t[255]);
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, 7, 1), ==, t[255]);
  /* Any heat above 0 is visible. */
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, 1e-9, 1), ==, t[1]);
  /* 0.5 → 1 + round (0.5 · 254) = 128; with γ = 2, 0.25 → 1 + round (63.5) = 65. */
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, 0.5, 1), ==, t[128]);
  g_assert_cmphex (lode_colormap_lookup (LODE_COLORMAP_VIRIDIS, 0.5, 2), ==, t[65]);
}

static void
test_strings (void)
{
  const char *names[] = { "magma", "viridis", "inferno", "thermal" };
  LodeColormapId id;

  for (guint m = 0; m < G_N_ELEMENTS (all_maps); m++)
    {
      g_assert_cmpstr (lode_colormap_to_string (all_maps[m]), ==, names[m]);
      g_assert_true (lode_colormap_from_string (names[m], &id));
      g_assert_cmpint (id, ==, all_maps[m]);
    }
  g_assert_false (lode_colormap_from_string ("jet", &id));
  g_assert_false (lode_colormap_from_string (NULL, &id));
  g_assert_false (lode_colormap_from_string ("Magma", &id));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/colormap/tables", test_tables);
  g_test_add_func ("/model/colormap/anchor-colours", test_anchor_colours);
  g_test_add_func ("/model/colormap/lookup", test_lookup);
  g_test_add_func ("/model/colormap/strings", test_strings);

  return g_test_run ();
}
