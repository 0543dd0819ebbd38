/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lode-book.h"
#include "lode-level-set.h"

G_BEGIN_DECLS

/* One price the §8 iteration reaches: p_k and V_k = fuel up to p_k (§7). */
typedef struct
{
  double price;     /* p_k */
  double fuel_usd;  /* V_k, cumulative from the close */
} LodeCascadeStep;

/* The §8 cascade estimate from one trigger price. */
typedef struct
{
  /* LODE_SIDE_LONG when the trigger is at or below the close: price falls,
   * long levels are liquidated, forced sells hit the bids. SHORT above the
   * close: forced buys lift the asks. */
  LodeSide side;
  double   close;           /* of the level set; D(p) starts here */
  double   trigger;         /* p_1 */
  double   final_price;     /* the last p_k: where the cascade stops */
  double   liquidated_usd;  /* V at the final price */
  guint    n_steps;         /* moves past the previous price; 0 when the
                             * book takes V_1 before p_1 */
  /* TRUE when the fuel at the final price exceeds all the depth the book
   * shows on that side (from the close outward): the cascade stopped
   * because the known book ran out, not because it absorbed the forced
   * orders, and the final price is a bound — the move could go further. */
  gboolean book_exhausted;
  double   depth_usd;       /* D at the book's deepest known level */
  /* LodeCascadeStep: p_1 (the trigger), p_2 … final; n_steps + 1 entries,
   * each strictly past the one before. */
  GArray  *steps;
} LodeCascade;

/* §8. Given the current state @set (its fuel, §7, and its close), the book
 * @book and a trigger price @trigger: V_k = fuel up to p_k; p_{k+1} = the
 * price at which the cumulative depth D(p) — notional of the side the
 * forced orders hit, from the close outward — reaches V_k, no deeper than
 * the book's last known level; stop when p_{k+1} no longer moves past p_k.
 *
 * Without depth on that side (@book NULL, or no level of that side at or
 * beyond the close) there is nothing to estimate with: returns NULL with
 * LODE_MODEL_ERROR_NEEDS_DEPTH. A book is never invented.
 *
 * O(steps · (log levels + log book)); steps ≤ the book's levels + 1. */
LodeCascade *lode_cascade_estimate (const LodeLevelSet *set,
                                    const LodeBook     *book,
                                    double              trigger,
                                    GError            **error);
void         lode_cascade_free     (LodeCascade        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeCascade, lode_cascade_free)

G_END_DECLS
