/** The field of the databroker's v1 protobuf Datapoint holding a scalar VSS datatype: `uint8` → `uint32_value`. */
export function datapointField(datatype: string): string {
  switch (datatype) {
    case 'boolean': return 'bool_value';
    case 'string': return 'string_value';
    case 'float': return 'float_value';
    case 'double': return 'double_value';
    case 'int8': case 'int16': case 'int32': return 'int32_value';
    case 'int64': return 'int64_value';
    case 'uint64': return 'uint64_value';
    default: return 'uint32_value';
  }
}
