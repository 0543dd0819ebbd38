/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>

#include "lode-cascade.h"

LodeCascade *
lode_cascade_estimate (const LodeLevelSet *set,
                       const LodeBook     *book,
                       double              trigger,
                       GError            **error)
{
  g_autoptr(LodeCascade) self = NULL;
  LodeBookSide hit;
  double close, sign, price, fuel;

  g_return_val_if_fail (set != NULL, NULL);
  g_return_val_if_fail (isfinite (trigger), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  close = lode_level_set_get_close (set);

  self = g_new0 (LodeCascade, 1);
  self->steps = g_array_new (FALSE, FALSE, sizeof (LodeCascadeStep));
  self->close = close;
  self->trigger = trigger;
  /* At exactly the close, the long side, as §7 fuel has it. */
  self->side = trigger <= close ? LODE_SIDE_LONG : LODE_SIDE_SHORT;
  hit = self->side == LODE_SIDE_LONG ? LODE_BOOK_BID : LODE_BOOK_ASK;
  /* "Past" is lower for a fall, higher for a rise. */
  sign = self->side == LODE_SIDE_LONG ? -1.0 : 1.0;

  /* §8: D(p) counts the hit side from the close outward. Orders on the
   * other side of the close (a book newer than the candle) are not part
   * of it. */
  if (book != NULL)
    self->depth_usd = hit == LODE_BOOK_BID
                      ? lode_book_sum_range (book, hit, -G_MAXDOUBLE, close)
                      : lode_book_sum_range (book, hit, close, G_MAXDOUBLE);
  if (!(self->depth_usd > 0.0))
    {
      /* §8: without depth the feature says so; it never invents a book. */
      g_set_error (error, LODE_MODEL_ERROR, LODE_MODEL_ERROR_NEEDS_DEPTH,
                   _("No order-book depth on the %s side beyond %g"),
                   lode_book_side_to_string (hit), close);
      return NULL;
    }

  /* p_1 and V_1. */
  price = trigger;
  fuel = lode_level_set_fuel (set, price);
  g_array_append_val (self->steps, ((LodeCascadeStep) { price, fuel }));

  /* Every p_{k+1} is a level price of the book strictly past p_k, so the
   * loop ends after at most as many steps as the book has levels. */
  for (;;)
    {
      double next = lode_book_price_for_depth (book, hit, close, fuel, NULL);

      if (!(sign * (next - price) > 0.0))
        break;

      price = next;
      fuel = lode_level_set_fuel (set, price);
      g_array_append_val (self->steps, ((LodeCascadeStep) { price, fuel }));
    }

  self->final_price = price;
  self->liquidated_usd = fuel;
  self->n_steps = self->steps->len - 1;
  /* The forced orders outweigh every known resting order: the last move
   * was cut at the book's deepest level (or never started because the
   * book does not reach p_1), so the real stop could lie further. */
  self->book_exhausted = fuel > self->depth_usd;

  return g_steal_pointer (&self);
}

void
lode_cascade_free (LodeCascade *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->steps, g_array_unref);
  g_free (self);
}
