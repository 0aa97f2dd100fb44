#include "diff/pixdiff.h"

#include "core/err.h"
#include "core/fileio.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* S drawn over white into a new ARGB32 surface: every pixel opaque, channels as seen. */
static cairo_surface_t *over_white(cairo_surface_t *s, int w, int h)
{
    cairo_surface_t *o = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(o);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(o);
    if (cairo_surface_status(o) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(o);
        return NULL;
    }
    return o;
}

static int chan(uint32_t p, int k) { return (int)((p >> (8 * k)) & 0xff); }

/* Largest channel difference of two opaque ARGB32 pixels. */
static int pixdist(uint32_t p, uint32_t q)
{
    int m = 0;
    for (int k = 0; k < 3; k++) {
        int d = abs(chan(p, k) - chan(q, k));
        if (d > m) m = d;
    }
    return m;
}

static uint32_t rgb(double r, double g, double b)
{
    return 0xff000000u | ((uint32_t)lround(r) << 16) | ((uint32_t)lround(g) << 8) |
           (uint32_t)lround(b);
}

int repro_pixdiff_changed(const repro_pixdiff *d) { return !d->same_size || d->counted > 0; }

int repro_pixdiff_surfaces(cairo_surface_t *a, cairo_surface_t *b, int tol, repro_pixdiff *out,
                           cairo_surface_t **heat)
{
    memset(out, 0, sizeof *out);
    if (heat) *heat = NULL;
    if (cairo_surface_status(a) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_status(b) != CAIRO_STATUS_SUCCESS)
        return repro_err("pixdiff: an image surface is in an error state");
    out->wa = cairo_image_surface_get_width(a);
    out->ha = cairo_image_surface_get_height(a);
    out->wb = cairo_image_surface_get_width(b);
    out->hb = cairo_image_surface_get_height(b);
    out->same_size = out->wa == out->wb && out->ha == out->hb;
    if (!out->same_size) return 0;
    int w = out->wa, h = out->ha;
    if (w == 0 || h == 0) return 0;
    cairo_surface_t *oa = over_white(a, w, h), *ob = over_white(b, w, h);
    unsigned char *diff = malloc((size_t)w * (size_t)h);
    int rc = 0;
    if (!oa || !ob || !diff) {
        rc = repro_err("pixdiff: out of memory for %dx%d images", w, h);
        goto done;
    }
    const unsigned char *da = cairo_image_surface_get_data(oa);
    const unsigned char *db = cairo_image_surface_get_data(ob);
    int sa = cairo_image_surface_get_stride(oa), sb = cairo_image_surface_get_stride(ob);
    double sum2 = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *ra = (const uint32_t *)(const void *)(da + (size_t)y * (size_t)sa);
        const uint32_t *rb = (const uint32_t *)(const void *)(db + (size_t)y * (size_t)sb);
        for (int x = 0; x < w; x++) {
            for (int k = 0; k < 3; k++) {
                double d = chan(ra[x], k) - chan(rb[x], k);
                sum2 += d * d;
            }
            int m = pixdist(ra[x], rb[x]);
            if (m > out->maxdiff) out->maxdiff = m;
            diff[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)m;
        }
    }
    out->rms = sqrt(sum2 / (3.0 * (double)w * (double)h));

    uint32_t *hp = NULL;
    int hs = 0;
    if (heat) {
        *heat = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        if (cairo_surface_status(*heat) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(*heat);
            *heat = NULL;
            rc = repro_err("pixdiff: out of memory for the heat map");
            goto done;
        }
        cairo_surface_flush(*heat);
        hp = (uint32_t *)(void *)cairo_image_surface_get_data(*heat);
        hs = cairo_image_surface_get_stride(*heat) / 4;
    }
    double gain = out->maxdiff > 0 ? 1.0 / out->maxdiff : 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *ra = (const uint32_t *)(const void *)(da + (size_t)y * (size_t)sa);
        for (int x = 0; x < w; x++) {
            int d = diff[(size_t)y * (size_t)w + (size_t)x];
            int differs = d > tol, lone = 0;
            if (differs) {
                lone = 1;
                for (int dy = -1; dy <= 1 && lone; dy++)
                    for (int dx = -1; dx <= 1 && lone; dx++) {
                        int yy = y + dy, xx = x + dx;
                        if ((dx || dy) && yy >= 0 && yy < h && xx >= 0 && xx < w &&
                            diff[(size_t)yy * (size_t)w + (size_t)xx] > tol)
                            lone = 0;
                    }
                if (lone)
                    out->isolated++;
                else
                    out->counted++;
            }
            if (!hp) continue;
            uint32_t px;
            if (differs && !lone) {
                double t = sqrt(d * gain); /* amplified: small differences stay visible */
                px = rgb(255 - 105 * t, 220 * (1 - t), 0);
            } else if (differs) {
                px = rgb(150, 190, 255);
            } else {
                double lum = (0.3 * chan(ra[x], 2) + 0.59 * chan(ra[x], 1) + 0.11 * chan(ra[x], 0));
                double g = 255 - 0.15 * (255 - lum);
                px = rgb(g, g, g);
            }
            hp[(size_t)y * (size_t)hs + (size_t)x] = px;
        }
    }
    if (hp) cairo_surface_mark_dirty(*heat);
done:
    free(diff);
    if (oa) cairo_surface_destroy(oa);
    if (ob) cairo_surface_destroy(ob);
    return rc;
}

static cairo_surface_t *load_png(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cairo_status_t st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        repro_err("cannot read PNG '%s': %s", path, cairo_status_to_string(st));
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int n)
{
    return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Through a temporary created exclusively (repro_tmpopen), then renamed. */
static int write_png(cairo_surface_t *s, const char *path)
{
    char *tmp;
    FILE *out = repro_tmpopen(path, &tmp);
    if (!out) return -1;
    cairo_status_t st = cairo_surface_write_to_png_stream(s, to_file, out);
    int rc;
    if (repro_tmpclose(out, tmp) != 0) {
        rc = -1;
    } else if (st != CAIRO_STATUS_SUCCESS) {
        repro_discard(tmp);
        rc = repro_err("cannot write '%s': %s", path, cairo_status_to_string(st));
    } else {
        rc = repro_commit(tmp, path);
    }
    free(tmp);
    return rc;
}

int repro_pixdiff_files(const char *a_png, const char *b_png, int tol, const char *heatmap_png,
                        repro_pixdiff *out)
{
    memset(out, 0, sizeof *out);
    cairo_surface_t *a = load_png(a_png);
    if (!a) return -1;
    cairo_surface_t *b = load_png(b_png);
    if (!b) {
        cairo_surface_destroy(a);
        return -1;
    }
    cairo_surface_t *heat = NULL;
    int rc = repro_pixdiff_surfaces(a, b, tol, out, heatmap_png ? &heat : NULL);
    if (rc == 0 && heat) rc = write_png(heat, heatmap_png);
    if (heat) cairo_surface_destroy(heat);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    return rc;
}
