package dev.scratchnet.onnx;

import com.google.protobuf.ByteString;
import dev.scratchnet.data.FileFormatException;
import dev.scratchnet.io.TensorBytes;
import dev.scratchnet.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.scratchnet.onnx.proto.OnnxProto.TensorProto;
import dev.scratchnet.op.Tensor;
import dev.scratchnet.tensor.DType;
import dev.scratchnet.tensor.Memory;
import dev.scratchnet.tensor.Shape;
import dev.scratchnet.tensor.Storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX tensors to scratchnet tensors and back. What a tensor declares (its dimensions and type) is checked against the
 * bytes that hold it before anything is allocated; data kept outside the model file is read only from the model's
 * own folder.
 */
final class OnnxTensors {
    private OnnxTensors() {
    }

    /** The scratchnet dtype of an ONNX element type, or null where scratchnet has none. */
    static DType dtype(int onnxType) {
        return switch (onnxType) {
            case TensorProto.DataType.FLOAT_VALUE -> DType.FLOAT32;
            case TensorProto.DataType.DOUBLE_VALUE -> DType.FLOAT64;
            case TensorProto.DataType.INT32_VALUE -> DType.INT32;
            case TensorProto.DataType.INT64_VALUE -> DType.INT64;
            case TensorProto.DataType.UINT8_VALUE -> DType.UINT8;
            case TensorProto.DataType.BOOL_VALUE -> DType.BOOL;
            default -> null;
        };
    }

    /** The ONNX element type of a scratchnet dtype. */
    static int onnxType(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> TensorProto.DataType.FLOAT_VALUE;
            case FLOAT64 -> TensorProto.DataType.DOUBLE_VALUE;
            case INT32 -> TensorProto.DataType.INT32_VALUE;
            case INT64 -> TensorProto.DataType.INT64_VALUE;
            case UINT8 -> TensorProto.DataType.UINT8_VALUE;
            case BOOL -> TensorProto.DataType.BOOL_VALUE;
        };
    }

    /**
     * The tensor a TensorProto holds, from its raw bytes, its typed fields or an external file in {@code folder}.
     *
     * @param what names the tensor in errors ("initializer 'fc1.weight'")
     */
    static Tensor read(TensorProto proto, String what, Path file, Path folder) throws IOException {
        DType dtype = dtype(proto.getDataType());
        if (dtype == null) {
            throw new FileFormatException(file, -1, what + " has ONNX element type " + proto.getDataType() + " ("
                    + TensorProto.DataType.forNumber(proto.getDataType()) + "); supported: float, double, int32, int64, uint8, bool");
        }
        int[] dims = new int[proto.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            long d = proto.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE || (count *= d) > Integer.MAX_VALUE) {
                throw new FileFormatException(file, -1, what + " declares dimensions " + proto.getDimsList() + ", negative or more than 2^31 values");
            }
            dims[i] = (int) d;
        }
        Shape shape = Shape.of(dims);
        long bytes = count * dtype.byteSize();
        String shortfall = Memory.shortfall(bytes);
        if (shortfall != null) {
            throw new FileFormatException(file, -1, what + ": " + dtype + proto.getDimsList() + " " + shortfall);
        }
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return TensorBytes.fromBytes(external(proto, what, file, folder, bytes), dtype, shape);
        }
        if (proto.hasRawData()) {
            ByteString raw = proto.getRawData();
            if (raw.size() != bytes) {
                throw new FileFormatException(file, -1, what + ": " + dtype + proto.getDimsList() + " needs " + bytes + " bytes but raw_data holds " + raw.size());
            }
            return TensorBytes.fromBytes(raw.asReadOnlyByteBuffer(), dtype, shape);
        }
        int held = switch (dtype) {
            case FLOAT32 -> proto.getFloatDataCount();
            case FLOAT64 -> proto.getDoubleDataCount();
            case INT64 -> proto.getInt64DataCount();
            default -> proto.getInt32DataCount();
        };
        if (held != count) {
            throw new FileFormatException(file, -1, what + ": " + dtype + proto.getDimsList() + " needs " + count + " values but the file holds " + held);
        }
        Object data = Storage.allocate(dtype, (int) count);
        for (int i = 0; i < count; i++) {
            switch (dtype) {
                case FLOAT32 -> ((float[]) data)[i] = proto.getFloatData(i);
                case FLOAT64 -> ((double[]) data)[i] = proto.getDoubleData(i);
                case INT64 -> ((long[]) data)[i] = proto.getInt64Data(i);
                default -> Storage.setLong(data, i, proto.getInt32Data(i));
            }
        }
        return Tensor.fromArray(data, shape);
    }

    /** The bytes of a tensor stored beside the model: a file in the model's folder, from {@code offset} for {@code length}. */
    private static ByteBuffer external(TensorProto proto, String what, Path file, Path folder, long bytes) throws IOException {
        Map<String, String> entries = new HashMap<>();
        for (StringStringEntryProto e : proto.getExternalDataList()) {
            entries.put(e.getKey(), e.getValue());
        }
        String location = entries.get("location");
        if (location == null) {
            throw new FileFormatException(file, -1, what + " is stored outside the file but names no location");
        }
        Path dir = folder.toAbsolutePath().normalize();
        Path data = dir.resolve(location).normalize();
        if (!data.startsWith(dir) || !Files.isRegularFile(data)) {
            throw new FileFormatException(file, -1, what + " is stored in '" + location + "', which is not a file in the model's folder " + dir);
        }
        long offset, length;
        try {
            offset = Long.parseLong(entries.getOrDefault("offset", "0"));
            length = Long.parseLong(entries.getOrDefault("length", Long.toString(bytes)));
        } catch (NumberFormatException e) {
            throw new FileFormatException(file, -1, what + " has an external offset or length that is not a number");
        }
        long size = Files.size(data);
        if (length != bytes || offset < 0 || offset > size - length) {
            throw new FileFormatException(file, -1, what + " needs " + bytes + " bytes at offset " + offset + " of '" + location + "' (" + size
                    + " bytes, length given " + length + ")");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
        try (FileChannel channel = FileChannel.open(data)) {
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // read on
            }
        }
        return buffer.flip();
    }

    /** A TensorProto of {@code tensor}'s values as little-endian raw bytes, named {@code name}. */
    static TensorProto write(String name, Tensor tensor) {
        TensorProto.Builder proto = TensorProto.newBuilder().setName(name).setDataType(onnxType(tensor.dtype()));
        for (int d : tensor.shape().dims()) {
            proto.addDims(d);
        }
        return proto.setRawData(ByteString.copyFrom(TensorBytes.toBytes(tensor))).build();
    }
}
