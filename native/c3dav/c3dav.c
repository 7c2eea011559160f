/*
 * c3dav: the few FFmpeg calls C3dNet needs, behind a C API of plain types (ints, doubles, pointers to
 * bytes), so that the managed side never touches an FFmpeg struct. Compiled against the installed
 * headers when the project builds (src/C3dNet/C3dNet.csproj), so struct layouts are right by
 * construction; c3dav_versions lets the managed side check that the libraries loaded at run time have
 * the major versions (the ABI) it was compiled against.
 *
 * Decoding: every frame is decoded (the codec needs them); only frames the caller keeps are converted,
 * from the decoder's pixel format straight to BGR at the caller's size in one sws_scale call.
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define C3DAV_EXPORT __attribute__((visibility("default")))
/* Decoding errors tolerated in a row before the stream counts as ended (OpenCV's backend allows 4096). */
#define MAX_ERRORS_IN_A_ROW 4096

/* Packets read ahead when skipping (see c3dav_skip_unkept): more than H.264's deepest reordering (16 frames). */
#define LOOKAHEAD 40

typedef int (*c3dav_keep_fn)(void *context, int index);

typedef struct c3dav {
    AVFormatContext *format;
    AVCodecContext *codec;
    AVStream *stream;
    AVPacket *packet;
    AVFrame *frame;
    struct SwsContext *sws;
    uint8_t *bgr;      /* libswscale's padded output (see c3dav_convert) */
    size_t bgr_size;
    int flushing;
    volatile int interrupted;
    char error[256];
    /* Skipping non-reference H.264 frames that are not kept (c3dav_skip_unkept). */
    c3dav_keep_fn keep;
    void *keep_context;
    int nal_length_size;         /* 1-4: length-prefixed NAL units (mp4); 0: Annex B start codes */
    AVPacket *ahead[LOOKAHEAD];  /* packets read, not yet sent (decoding order) */
    int ahead_count, demux_ended;
    int64_t *seen;               /* pts of every frame packet read so far, ascending */
    int seen_count, seen_size;
    int64_t *skipped;            /* pts of the packets not decoded, ascending */
    int skipped_count, skipped_size;
    int outputs;                 /* frames the decoder returned */
    int unsafe;                  /* skipping met something it cannot count exactly */
} c3dav;

static void set_error(char *buffer, int size, const char *what, int code) {
    if (!buffer || size <= 0) return;
    char reason[AV_ERROR_MAX_STRING_SIZE] = "";
    if (code) av_strerror(code, reason, sizeof reason);
    snprintf(buffer, (size_t)size, "%s%s%s", what, code ? ": " : "", reason);
}

static int interrupt_callback(void *opaque) { return ((c3dav *)opaque)->interrupted; }

/* Versions as AV_VERSION_INT (major << 16 | minor << 8 | micro): compiled[0..3] from the headers,
   loaded[0..3] from the libraries, in the order avcodec, avformat, swscale, avutil. */
C3DAV_EXPORT void c3dav_versions(int *compiled, int *loaded) {
    compiled[0] = LIBAVCODEC_VERSION_INT;
    compiled[1] = LIBAVFORMAT_VERSION_INT;
    compiled[2] = LIBSWSCALE_VERSION_INT;
    compiled[3] = LIBAVUTIL_VERSION_INT;
    loaded[0] = (int)avcodec_version();
    loaded[1] = (int)avformat_version();
    loaded[2] = (int)swscale_version();
    loaded[3] = (int)avutil_version();
}

/* FFmpeg's own log lines (e.g. "[mpeg4 @ 0x...] ac-tex damaged") off or on: callers report bad videos themselves. */
C3DAV_EXPORT void c3dav_set_log_level(int level) { av_log_set_level(level); }

C3DAV_EXPORT void c3dav_close(c3dav *h) {
    if (!h) return;
    for (int i = 0; i < h->ahead_count; i++) av_packet_free(&h->ahead[i]);
    av_free(h->seen);
    av_free(h->skipped);
    sws_freeContext(h->sws);
    av_free(h->bgr);
    av_frame_free(&h->frame);
    av_packet_free(&h->packet);
    avcodec_free_context(&h->codec);
    avformat_close_input(&h->format);
    av_free(h);
}

/*
 * Opens a file or URL. threads: decoding threads (0: FFmpeg's choice). timeout_us > 0: network reads
 * and connects give up after that long without data. Returns NULL with a reason in error on failure.
 */
static pthread_once_t network_once = PTHREAD_ONCE_INIT;
static void network_init(void) { avformat_network_init(); }

C3DAV_EXPORT c3dav *c3dav_open(const char *url, int threads, long long timeout_us, char *error, int error_size) {
    pthread_once(&network_once, network_init);
    c3dav *h = av_mallocz(sizeof *h);
    if (!h) { set_error(error, error_size, "out of memory", 0); return NULL; }
    h->format = avformat_alloc_context();
    if (!h->format) { set_error(error, error_size, "out of memory", 0); c3dav_close(h); return NULL; }
    h->format->interrupt_callback.callback = interrupt_callback;
    h->format->interrupt_callback.opaque = h;

    AVDictionary *options = NULL;
    if (timeout_us > 0) {
        char value[32];
        snprintf(value, sizeof value, "%lld", timeout_us);
        av_dict_set(&options, "rw_timeout", value, 0);
        av_dict_set(&options, "timeout", value, 0); /* udp, tcp, rtsp: connect/read timeout */
    }
    int r = avformat_open_input(&h->format, url, NULL, &options);
    av_dict_free(&options);
    if (r < 0) { set_error(error, error_size, "cannot be opened", r); h->format = NULL; c3dav_close(h); return NULL; }
    if ((r = avformat_find_stream_info(h->format, NULL)) < 0) {
        set_error(error, error_size, "cannot read stream information", r); c3dav_close(h); return NULL;
    }
    const AVCodec *decoder = NULL;
    int index = av_find_best_stream(h->format, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (index < 0 || !decoder) {
        set_error(error, error_size, index == AVERROR_DECODER_NOT_FOUND ? "no decoder for its video codec" : "has no video stream", 0);
        c3dav_close(h); return NULL;
    }
    h->stream = h->format->streams[index];
    for (unsigned i = 0; i < h->format->nb_streams; i++)
        if ((int)i != index) h->format->streams[i]->discard = AVDISCARD_ALL;
    h->codec = avcodec_alloc_context3(decoder);
    if (!h->codec || avcodec_parameters_to_context(h->codec, h->stream->codecpar) < 0) {
        set_error(error, error_size, "cannot set up its decoder", 0); c3dav_close(h); return NULL;
    }
    h->codec->thread_count = threads > 0 ? threads : 0;
    h->codec->pkt_timebase = h->stream->time_base;
    if ((r = avcodec_open2(h->codec, decoder, NULL)) < 0) {
        set_error(error, error_size, "cannot open its decoder", r); c3dav_close(h); return NULL;
    }
    h->packet = av_packet_alloc();
    h->frame = av_frame_alloc();
    if (!h->packet || !h->frame) { set_error(error, error_size, "out of memory", 0); c3dav_close(h); return NULL; }
    return h;
}

static double q2d(AVRational q) { return q.den ? (double)q.num / q.den : 0.0; }

/* As OpenCV's FFmpeg backend: the average frame rate, else the container's guess. */
static double stream_fps(const c3dav *h) {
    double fps = q2d(h->stream->avg_frame_rate);
    if (fps < 1e-6) fps = q2d(h->stream->r_frame_rate);
    return fps;
}

/*
 * width, height: coded size (before rotation); fps; frames: the container's count (nb_frames, else
 * duration x fps rounded, as OpenCV's CAP_PROP_FRAME_COUNT; 0 when unknown); rotation: degrees
 * clockwise to turn the picture upright (0, 90, 180, 270), from the display matrix, as OpenCV applies it.
 */
C3DAV_EXPORT void c3dav_info(const c3dav *h, int *width, int *height, double *fps, long long *frames, int *rotation) {
    *width = h->codec->width;
    *height = h->codec->height;
    *fps = stream_fps(h);
    long long n = h->stream->nb_frames;
    if (n <= 0) {
        double seconds = h->format->duration > 0 ? (double)h->format->duration / AV_TIME_BASE : 0.0;
        if (seconds < 1e-6 && h->stream->duration > 0) seconds = (double)h->stream->duration * q2d(h->stream->time_base);
        n = (long long)floor(seconds * *fps + 0.5);
    }
    *frames = n > 0 ? n : 0;
    *rotation = 0;
    const uint8_t *matrix = av_stream_get_side_data(h->stream, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (matrix) {
        /* av_display_rotation_get: counter-clockwise degrees; the picture is shown turned the other way. */
        int angle = -(int)lrint(av_display_rotation_get((const int32_t *)matrix));
        angle %= 360;
        if (angle < 0) angle += 360;
        *rotation = angle;
    }
}

/* Stops a blocking read (a stalled network stream) from another thread; the next call returns an error. */
C3DAV_EXPORT void c3dav_interrupt(c3dav *h) { h->interrupted = 1; }

/*
 * Skipping. A frame's index is its place in presentation order (as the decoder returns frames, and as OpenCV
 * counts them): the number of frame packets with a smaller pts. Packets are read LOOKAHEAD ahead of decoding,
 * so every packet presented before one has been read when it is sent. A packet whose slices are all
 * non-reference (nal_ref_idc 0: no other frame is predicted from it) and whose index the caller does not keep is
 * never sent to the decoder; it still counts as a frame. Every frame the decoder returns is checked to be at the
 * index the count gives, and at the end frames returned + skipped must equal the packets read; anything else
 * (a frame that failed to decode, a packet without pts, equal pts) makes c3dav_next return -2, and the caller
 * decodes the file again without skipping.
 */
static int insert_sorted(int64_t **array, int *count, int *size, int64_t value) {
    if (*count == *size) {
        int grown = *size ? *size * 2 : 256;
        int64_t *bigger = av_realloc(*array, (size_t)grown * sizeof **array);
        if (!bigger) return AVERROR(ENOMEM);
        *array = bigger;
        *size = grown;
    }
    int i = *count;
    while (i > 0 && (*array)[i - 1] > value) i--;  /* pts mostly ascend: a short walk from the end */
    if (i > 0 && (*array)[i - 1] == value) return -1; /* two frames at one time: not countable */
    memmove(*array + i + 1, *array + i, (size_t)(*count - i) * sizeof **array);
    (*array)[i] = value;
    (*count)++;
    return 0;
}

/* Number of values below value in an ascending array. */
static int count_below(const int64_t *array, int count, int64_t value) {
    int lo = 0, hi = count;
    while (lo < hi) { int mid = (lo + hi) / 2; if (array[mid] < value) lo = mid + 1; else hi = mid; }
    return lo;
}

/* 1 when every slice of the H.264 access unit is non-reference, 0 when one is a reference or none is found. */
static int h264_nonreference(const c3dav *h, const uint8_t *data, int size) {
    int slices = 0;
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *nal; size_t length;
        if (h->nal_length_size) {
            if (end - p < h->nal_length_size) return 0;
            length = 0;
            for (int i = 0; i < h->nal_length_size; i++) length = (length << 8) | p[i];
            nal = p + h->nal_length_size;
            if (length == 0 || length > (size_t)(end - nal)) return 0;
            p = nal + length;
        } else {
            /* Annex B: 00 00 01 before each unit */
            while (end - p >= 3 && !(p[0] == 0 && p[1] == 0 && p[2] == 1)) p++;
            if (end - p < 4) break;
            nal = p + 3;
            p = nal;
            while (end - p >= 3 && !(p[0] == 0 && p[1] == 0 && p[2] == 1)) p++;
            if (end - p < 3) p = end;
            length = (size_t)(p - nal);
            if (length == 0) continue;
        }
        int type = nal[0] & 0x1F, ref = (nal[0] >> 5) & 3;
        if (type >= 1 && type <= 5) { if (ref) return 0; slices++; }
    }
    return slices > 0;
}

/* Reads the next packet of the video stream into the look-ahead; 0, or <0 at the end / on a read error. */
static int read_ahead(c3dav *h) {
    for (;;) {
        AVPacket *p = av_packet_alloc();
        if (!p) return AVERROR(ENOMEM);
        int r = av_read_frame(h->format, p);
        if (r < 0) { av_packet_free(&p); return r; }
        if (p->stream_index != h->stream->index) { av_packet_free(&p); continue; }
        /* Packets the decoder drops by itself (an edit list's lead-in) are no frame and take no index. */
        if (!(p->flags & AV_PKT_FLAG_DISCARD)) {
            if (p->pts == AV_NOPTS_VALUE || insert_sorted(&h->seen, &h->seen_count, &h->seen_size, p->pts) != 0) h->unsafe = 1;
        }
        h->ahead[h->ahead_count++] = p;
        return 0;
    }
}

/* Fills h->packet with the next packet to decode, skipping the non-reference ones that are not kept. */
static int next_packet_skipping(c3dav *h) {
    for (;;) {
        while (!h->demux_ended && h->ahead_count < LOOKAHEAD) {
            int r = read_ahead(h);
            if (r < 0) { h->demux_ended = 1; if (r != AVERROR_EOF) h->demux_ended = 2; }
        }
        if (h->ahead_count == 0) return AVERROR_EOF;
        AVPacket *p = h->ahead[0];
        memmove(h->ahead, h->ahead + 1, (size_t)(h->ahead_count - 1) * sizeof *h->ahead);
        h->ahead_count--;
        int skip = !h->unsafe && !(p->flags & (AV_PKT_FLAG_DISCARD | AV_PKT_FLAG_CORRUPT)) && !(p->flags & AV_PKT_FLAG_KEY)
                   && h264_nonreference(h, p->data, p->size)
                   && !h->keep(h->keep_context, count_below(h->seen, h->seen_count, p->pts));
        if (skip && insert_sorted(&h->skipped, &h->skipped_count, &h->skipped_size, p->pts) == 0) { av_packet_free(&p); continue; }
        av_packet_move_ref(h->packet, p);
        av_packet_free(&p);
        return 0;
    }
}

/*
 * From now on, packets of non-reference H.264 frames whose index keep(context, index) rejects are not decoded.
 * keep must depend on the index only (it is asked ahead, in decoding order). Returns 1 when skipping is on, 0 when
 * this video cannot skip (not H.264, or frames already read).
 */
C3DAV_EXPORT int c3dav_skip_unkept(c3dav *h, c3dav_keep_fn keep, void *context) {
    if (h->codec->codec_id != AV_CODEC_ID_H264 || h->outputs || h->flushing) return 0;
    const uint8_t *extra = h->codec->extradata;
    h->nal_length_size = extra && h->codec->extradata_size >= 7 && extra[0] == 1 ? (extra[4] & 3) + 1 : 0;
    h->keep = keep;
    h->keep_context = context;
    return 1;
}

/* With skipping: 1 when the frame just returned is at the index the count gives it; 0 otherwise. */
static int frame_counted_right(c3dav *h, int64_t pts) {
    if (h->unsafe || pts == AV_NOPTS_VALUE) return 0;
    return count_below(h->seen, h->seen_count, pts) == h->outputs + count_below(h->skipped, h->skipped_count, pts);
}

/* Frames not decoded so far (skipped). */
C3DAV_EXPORT int c3dav_frames_skipped(const c3dav *h) { return h->skipped_count; }

/* The next decoded frame into h->frame: 1, or 0 at the end of the stream, or a negative FFmpeg error. */
static int decode_next(c3dav *h) {
    int errors = 0;
    for (;;) {
        int r = avcodec_receive_frame(h->codec, h->frame);
        if (r == 0) return 1;
        if (r == AVERROR_EOF) return 0;
        if (r != AVERROR(EAGAIN)) {
            /* A damaged frame: skipped, as OpenCV's backend does. */
            if (++errors > MAX_ERRORS_IN_A_ROW) return 0;
            continue;
        }
        if (h->flushing) return 0;
        r = h->keep ? next_packet_skipping(h) : av_read_frame(h->format, h->packet);
        if (h->interrupted) { av_packet_unref(h->packet); return AVERROR_EXIT; }
        if (r < 0) {
            /* End of file, or a read error (a truncated tail): drain the frames the decoder still holds. */
            h->flushing = 1;
            avcodec_send_packet(h->codec, NULL);
            continue;
        }
        if (h->packet->stream_index == h->stream->index) {
            r = avcodec_send_packet(h->codec, h->packet);
            /* A packet the decoder refuses (a cut-off tail) ends the stream there, frames still held included,
               as in OpenCV's backend and so in the reference's cv2: both then count the same frames. */
            if (r < 0 && r != AVERROR(EAGAIN)) { av_packet_unref(h->packet); h->flushing = 1; return 0; }
        }
        av_packet_unref(h->packet);
    }
}

/*
 * Decodes the next frame and holds it until the next call. index: its number in presentation order (skipped frames
 * included); seconds: its presentation time from the start of the stream (pts x time base; NAN when the stream has
 * none); duration: its duration in seconds (NAN when unknown). Returns 1 for a frame, 0 at the end of the stream,
 * -1 on error (message in c3dav_error), -2 when skipping cannot count the frames exactly (decode again without it).
 */
C3DAV_EXPORT int c3dav_next(c3dav *h, int *index, double *seconds, double *duration) {
    av_frame_unref(h->frame);
    int r = decode_next(h);
    if (h->keep && h->skipped_count) {
        /* Skipping must count exactly what decoding everything would: else the caller decodes again without it. */
        if (r > 0 && !frame_counted_right(h, h->frame->pts)) r = -2;
        else if (r == 0 && (h->unsafe || h->demux_ended == 2 || h->ahead_count || h->outputs + h->skipped_count != h->seen_count)) r = -2;
        if (r == -2) { set_error(h->error, sizeof h->error, "skipping frames would miscount them", 0); return -2; }
    }
    if (r > 0) {
        *index = h->keep ? h->outputs + count_below(h->skipped, h->skipped_count, h->frame->pts) : h->outputs;
        h->outputs++;
    }
    if (r <= 0) {
        if (r < 0) set_error(h->error, sizeof h->error, r == AVERROR_EXIT ? "interrupted" : "decoding failed", r == AVERROR_EXIT ? 0 : r);
        return r < 0 ? -1 : 0;
    }
    AVFrame *f = h->frame;
    double tb = q2d(h->stream->time_base);
    int64_t pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    int64_t start = h->stream->start_time != AV_NOPTS_VALUE ? h->stream->start_time : 0;
    *seconds = pts != AV_NOPTS_VALUE ? (double)(pts - start) * tb : NAN;
    *duration = f->pkt_duration > 0 ? (double)f->pkt_duration * tb : NAN;
    return 1;
}

/*
 * Converts the frame c3dav_next returned to BGR (bilinear) at width x height into out (rows of stride bytes),
 * from the decoder's pixel format in one sws_scale call. Frames that are not kept are never converted.
 * Returns 0, or -1 when there is no frame or its format cannot be converted.
 */
C3DAV_EXPORT int c3dav_convert(c3dav *h, int width, int height, uint8_t *out, int stride) {
    AVFrame *f = h->frame;
    if (!f->data[0]) { set_error(h->error, sizeof h->error, "no decoded frame to convert", 0); return -1; }
    h->sws = sws_getCachedContext(h->sws, f->width, f->height, (enum AVPixelFormat)f->format,
                                  width, height, AV_PIX_FMT_BGR24, SWS_BILINEAR, NULL, NULL, NULL);
    if (!h->sws) { set_error(h->error, sizeof h->error, "cannot convert its pixel format", 0); return -1; }
    /* libswscale's SIMD converters store whole vectors, so they write up to a vector past the end of a row, and of
       the last row: into the caller's tightly packed buffer that corrupted the heap (171-pixel rows). They write into
       a padded buffer of ours instead, copied row by row into out. */
    int row = width * 3, linesize = FFALIGN(row, 64) + 64;
    size_t need = (size_t)linesize * (size_t)(height + 1);
    if (need > h->bgr_size) {
        av_free(h->bgr);
        h->bgr = av_malloc(need);
        h->bgr_size = h->bgr ? need : 0;
        if (!h->bgr) { set_error(h->error, sizeof h->error, "out of memory", AVERROR(ENOMEM)); return -1; }
    }
    uint8_t *planes[4] = {h->bgr, NULL, NULL, NULL};
    int strides[4] = {linesize, 0, 0, 0};
    sws_scale(h->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides);
    for (int y = 0; y < height; y++) memcpy(out + (size_t)y * (size_t)stride, h->bgr + (size_t)y * (size_t)linesize, (size_t)row);
    return 0;
}

C3DAV_EXPORT const char *c3dav_error(const c3dav *h) { return h->error; }

/* FFmpeg's name of the video codec ("mpeg4", "h264", "mjpeg", ...). */
C3DAV_EXPORT const char *c3dav_codec(const c3dav *h) { return avcodec_get_name(h->codec->codec_id); }
