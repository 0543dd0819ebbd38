/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The model's order book: resting limit orders of one moment, in USD
 * notional, for the §8 cascade and the depth layer. The network layer has
 * its own depth type (in base units); the model never sees it: whoever
 * holds both converts, notional = price × size in base units. */

typedef enum
{
  LODE_BOOK_BID,  /* resting buy orders: what forced selling (longs) hits */
  LODE_BOOK_ASK,  /* resting sell orders: what forced buying (shorts) hits */
} LodeBookSide;

typedef struct
{
  double price;
  double notional_usd;  /* resting quote notional at @price */
} LodeBookLevel;

/* Immutable and reference-counted; safe to share between threads. */
typedef struct _LodeBook LodeBook;

#define LODE_TYPE_BOOK (lode_book_get_type ())

GType                lode_book_get_type     (void) G_GNUC_CONST;

/* Copies the levels; either array may be in any order and either may be
 * empty. Levels with a non-finite or non-positive price or notional are
 * dropped, equal prices of one side are summed. Bids end up descending and
 * asks ascending: both outward from the spread. @time_ms is when the book
 * was taken (0 = unknown). */
LodeBook            *lode_book_new          (const LodeBookLevel *bids,
                                             gsize                n_bids,
                                             const LodeBookLevel *asks,
                                             gsize                n_asks,
                                             gint64               time_ms);
/* The union of several venues' books (USD adds up, as §9 merges levels);
 * the newest time is kept. */
LodeBook            *lode_book_merge        (LodeBook *const     *books,
                                             guint                n_books);
LodeBook            *lode_book_ref          (LodeBook            *self);
void                 lode_book_unref        (LodeBook            *self);
/* @side's levels, outward from the spread (bids descending, asks
 * ascending). */
const LodeBookLevel *lode_book_get_levels   (const LodeBook      *self,
                                             LodeBookSide         side,
                                             gsize               *n_levels);
gint64               lode_book_get_time     (const LodeBook      *self);
/* Σ notional of @side with price in [@lo, @hi] (both ends inclusive).
 * O(log n). */
double               lode_book_sum_range    (const LodeBook      *self,
                                             LodeBookSide         side,
                                             double               lo,
                                             double               hi);
/* D⁻¹ of §8: walking @side outward from @from (levels at @from count), the
 * first level price at which the cumulative notional reaches
 * @notional_usd; @from itself when @notional_usd ≤ 0. When the levels at
 * or beyond @from hold less, the deepest level's price (@from when there
 * is none) and *@reached FALSE: no deeper than the book is known. */
double               lode_book_price_for_depth (const LodeBook   *self,
                                                LodeBookSide      side,
                                                double            from,
                                                double            notional_usd,
                                                gboolean         *reached);

/* Resting notional bucketed into price rows, as LodeProfile does for
 * levels (§7): row r covers [price_min + r·δ, price_min + (r + 1)·δ);
 * levels outside the rows are ignored, not clamped into the edge rows. */
typedef struct
{
  double  price_min;
  double  bucket;     /* δ */
  guint   rows;
  double *bid_usd;    /* per row */
  double *ask_usd;    /* per row */
} LodeDepthProfile;

LodeDepthProfile    *lode_depth_profile_new         (const LodeBook   *book,
                                                     double            price_min,
                                                     double            price_max,
                                                     guint             rows);
/* The §7 bucket (0.05 % of @close) spanning every level of @book, so that
 * walls are judged on the same rows as the liquidation clusters. */
LodeDepthProfile    *lode_depth_profile_new_default (const LodeBook   *book,
                                                     double            close);
void                 lode_depth_profile_free        (LodeDepthProfile *self);

const char          *lode_book_side_to_string       (LodeBookSide      side);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeBook, lode_book_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LodeDepthProfile, lode_depth_profile_free)

G_END_DECLS
