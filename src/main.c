/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "lode-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LodeApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* An uninstalled run (build-aux/run) finds its translations in the
   * build tree. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LODESTONE_LOCALEDIR") ? g_getenv ("LODESTONE_LOCALEDIR")
                                                                      : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Lodestone"));

  app = lode_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
