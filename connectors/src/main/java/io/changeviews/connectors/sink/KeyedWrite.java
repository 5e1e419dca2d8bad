package io.changeviews.connectors.sink;

import java.util.Map;
import java.util.Objects;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * One absolute write of a view row (a put of the whole item, or a delete of its key), with the
 * target key it writes.
 */
public final class KeyedWrite {
    private final String key;
    private final boolean delete;
    private final Map<String, AttributeValue> attributes;
    private final WriteRequest request;

    /**
     * @param key the target key as one string ({@link RowItemConverter#keyString}): writes with
     *     equal keys write the same item
     * @param attributes the whole item for a put, the key attributes for a delete
     */
    public KeyedWrite(String key, boolean delete, Map<String, AttributeValue> attributes) {
        this.key = Objects.requireNonNull(key, "key");
        this.delete = delete;
        this.attributes = Map.copyOf(attributes);
        this.request =
                delete
                        ? WriteRequest.builder()
                                .deleteRequest(DeleteRequest.builder().key(this.attributes).build())
                                .build()
                        : WriteRequest.builder()
                                .putRequest(PutRequest.builder().item(this.attributes).build())
                                .build();
    }

    /** The write of a view row: its key, and the converter's put or delete. */
    static KeyedWrite of(String key, DynamoDbWriteRequest converted) {
        return new KeyedWrite(
                key, converted.getType() == DynamoDbWriteRequestType.DELETE, converted.getItem());
    }

    public String key() {
        return key;
    }

    public boolean isDelete() {
        return delete;
    }

    public Map<String, AttributeValue> attributes() {
        return attributes;
    }

    /** The BatchWriteItem element of this write. */
    public WriteRequest request() {
        return request;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyedWrite
                && ((KeyedWrite) o).key.equals(key)
                && ((KeyedWrite) o).request.equals(request);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, request);
    }

    @Override
    public String toString() {
        return (delete ? "DELETE " : "PUT ") + key;
    }
}
