package io.mallard.coordinator.web;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Streams a statement's whole answer as CSV (RFC 4180, a header line, NULL as an empty field) while it runs: each batch
 * is written as it arrives, so nothing is held but the batch. The response starts with the first batch; an error before
 * it is kept for the caller to answer with, an error after it ends the download short (the browser sees a failed
 * download).
 */
final class CsvDownload implements ServerStreamListener {
    /** Opens the response when the answer's columns are known. */
    interface Opener {
        OutputStream open() throws IOException;
    }

    private final Opener opener;
    private Writer out;
    private VectorSchemaRoot root;
    private DictionaryProvider dictionaries;
    private MallardException error;
    private volatile boolean cancelled;
    private volatile Runnable onCancel = () -> { };

    CsvDownload(Opener opener) {
        this.opener = opener;
    }

    /** Whether the response was started (the headers went out). */
    boolean started() {
        return out != null;
    }

    /** The statement's error, or null. */
    MallardException error() {
        return error;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
        onCancel = handler;
    }

    @Override
    public boolean isReady() {
        return true; // writing blocks while the browser does not read: that is the back-pressure
    }

    @Override
    public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
        this.root = root;
        this.dictionaries = dictionaries;
        try {
            out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(opener.open(), StandardCharsets.UTF_8));
            List<Field> fields = root.getSchema().getFields();
            for (int c = 0; c < fields.size(); c++) {
                out.write((c == 0 ? "" : ",") + field(fields.get(c).getName()));
            }
            out.write("\r\n");
        } catch (IOException e) {
            gone();
        }
    }

    @Override
    public void putNext() {
        List<FieldVector> vectors = root.getFieldVectors();
        try {
            for (int row = 0; row < root.getRowCount(); row++) {
                for (int c = 0; c < vectors.size(); c++) {
                    String value = CellText.of(vectors.get(c), row, dictionaries);
                    out.write((c == 0 ? "" : ",") + (value == null ? "" : field(value)));
                }
                out.write("\r\n");
            }
        } catch (IOException e) {
            gone();
        }
    }

    /** The browser went away: the statement is cancelled. */
    private void gone() {
        cancelled = true;
        onCancel.run();
        throw new UncheckedIOException(new IOException("the browser stopped the download"));
    }

    @Override
    public void putNext(ArrowBuf metadata) {
        putNext();
    }

    @Override
    public void putMetadata(ArrowBuf metadata) {
    }

    @Override
    public void error(Throwable t) {
        error = StatementFailures.of(t);
    }

    @Override
    public void completed() {
        try {
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            error = new MallardException(ErrorCode.INTERNAL_ERROR, "the download was cut off");
        }
    }

    /** A CSV field: quoted when it holds a comma, a quote or a line break. */
    static String field(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
