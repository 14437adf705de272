import Foundation

// Pod metadata and status read straight from JSON bytes (``JSONReader``): a list of 1,000 session
// pods is ~7 MB, and JSONDecoder's per-object containers made decoding it the wait after the last
// page arrived. Each reader mirrors its type's Codable decoding field for field — the same keys,
// required fields required, `null` as nil for optionals, unknown keys ignored — and refuses
// (``JSONReader/Unsupported``) whatever it does not handle, so JSONDecoder decides those bytes.
// `PodReadingTests` check every field of every type against JSONDecoder; a field added to a type
// must be added here too (those tests fail until it is).

extension PodMetadataAndStatus {
    public static func decodeDirectly(_ json: UnsafeBufferPointer<UInt8>) -> PodMetadataAndStatus? {
        JSONReader.read(json) { try PodMetadataAndStatus(reading: &$0) }
    }

    init(reading reader: inout JSONReader) throws {
        var metadata: ObjectMeta?, status: PodStatus?
        try reader.readObject { reader, key in
            switch key {
            case "metadata": metadata = try reader.readOptional(ObjectMeta.init(reading:)); return 0
            case "status": status = try reader.readOptional(PodStatus.init(reading:)); return 1
            default: return nil
            }
        }
        guard let metadata else { throw JSONReader.Unsupported() }
        self.init(metadata: metadata, status: status)
    }
}

extension ObjectMeta {
    init(reading reader: inout JSONReader) throws {
        self.init()
        try reader.readObject { reader, key in
            switch key {
            case "name": name = try reader.readOptionalString(); return 0
            case "generateName": generateName = try reader.readOptionalString(); return 1
            case "namespace": namespace = try reader.readOptionalString(); return 2
            case "uid": uid = try reader.readOptionalString(); return 3
            case "resourceVersion": resourceVersion = try reader.readOptionalString(); return 4
            case "generation": generation = try reader.readOptional { try $0.readInteger() }; return 5
            case "creationTimestamp": creationTimestamp = try reader.readOptionalString(); return 6
            case "deletionTimestamp": deletionTimestamp = try reader.readOptionalString(); return 7
            case "deletionGracePeriodSeconds": deletionGracePeriodSeconds = try reader.readOptional { try $0.readInteger() }; return 8
            case "labels": labels = try reader.readOptional { try $0.readStringMap() }; return 9
            case "annotations": annotations = try reader.readOptional { try $0.readStringMap() }; return 10
            case "finalizers": finalizers = try reader.readOptional { try $0.readArray { try $0.readString() } }; return 11
            case "ownerReferences": ownerReferences = try reader.readOptional { try $0.readArray(of: OwnerReference.init(reading:)) }; return 12
            default: return nil
            }
        }
    }
}

extension OwnerReference {
    init(reading reader: inout JSONReader) throws {
        var apiVersion: String?, kind: String?, name: String?, uid: String?, controller: Bool?
        try reader.readObject { reader, key in
            switch key {
            case "apiVersion": apiVersion = try reader.readString(); return 0
            case "kind": kind = try reader.readString(); return 1
            case "name": name = try reader.readString(); return 2
            case "uid": uid = try reader.readString(); return 3
            case "controller": controller = try reader.readOptional { try $0.readBool() }; return 4
            default: return nil
            }
        }
        guard let apiVersion, let kind, let name, let uid else { throw JSONReader.Unsupported() }
        self.init(apiVersion: apiVersion, kind: kind, name: name, uid: uid, controller: controller)
    }
}

extension PodStatus {
    init(reading reader: inout JSONReader) throws {
        self.init()
        try reader.readObject { reader, key in
            switch key {
            case "phase": phase = try reader.readOptionalString(); return 0
            case "conditions": conditions = try reader.readOptional { try $0.readArray(of: PodCondition.init(reading:)) }; return 1
            case "message": message = try reader.readOptionalString(); return 2
            case "reason": reason = try reader.readOptionalString(); return 3
            case "hostIP": hostIP = try reader.readOptionalString(); return 4
            case "podIP": podIP = try reader.readOptionalString(); return 5
            case "startTime": startTime = try reader.readOptionalString(); return 6
            case "qosClass": qosClass = try reader.readOptionalString(); return 7
            case "initContainerStatuses":
                initContainerStatuses = try reader.readOptional { try $0.readArray(of: ContainerStatus.init(reading:)) }; return 8
            case "containerStatuses":
                containerStatuses = try reader.readOptional { try $0.readArray(of: ContainerStatus.init(reading:)) }; return 9
            default: return nil
            }
        }
    }
}

extension PodCondition {
    init(reading reader: inout JSONReader) throws {
        var type: String?, status: String?, reason: String?, message: String?, lastTransitionTime: String?
        try reader.readObject { reader, key in
            switch key {
            case "type": type = try reader.readString(); return 0
            case "status": status = try reader.readString(); return 1
            case "reason": reason = try reader.readOptionalString(); return 2
            case "message": message = try reader.readOptionalString(); return 3
            case "lastTransitionTime": lastTransitionTime = try reader.readOptionalString(); return 4
            default: return nil
            }
        }
        guard let type, let status else { throw JSONReader.Unsupported() }
        self.init(type: type, status: status, reason: reason, message: message, lastTransitionTime: lastTransitionTime)
    }
}

extension ContainerStatus {
    init(reading reader: inout JSONReader) throws {
        var name: String?, ready: Bool?, started: Bool?, restartCount: Int?, image: String?, imageID: String?
        var containerID: String?, state: ContainerState?, lastState: ContainerState?
        try reader.readObject { reader, key in
            switch key {
            case "name": name = try reader.readString(); return 0
            case "ready": ready = try reader.readOptional { try $0.readBool() }; return 1
            case "started": started = try reader.readOptional { try $0.readBool() }; return 2
            case "restartCount": restartCount = try reader.readOptional { try $0.readInteger() }; return 3
            case "image": image = try reader.readOptionalString(); return 4
            case "imageID": imageID = try reader.readOptionalString(); return 5
            case "containerID": containerID = try reader.readOptionalString(); return 6
            case "state": state = try reader.readOptional(ContainerState.init(reading:)); return 7
            case "lastState": lastState = try reader.readOptional(ContainerState.init(reading:)); return 8
            default: return nil
            }
        }
        guard let name else { throw JSONReader.Unsupported() }
        self.init(name: name, ready: ready, started: started, restartCount: restartCount, image: image, imageID: imageID,
                  containerID: containerID, state: state, lastState: lastState)
    }
}

extension ContainerState {
    init(reading reader: inout JSONReader) throws {
        var waiting: Waiting?, running: Running?, terminated: Terminated?
        try reader.readObject { reader, key in
            switch key {
            case "waiting":
                waiting = try reader.readOptional { reader in
                    var waiting = Waiting()
                    try reader.readObject { reader, key in
                        switch key {
                        case "reason": waiting.reason = try reader.readOptionalString(); return 0
                        case "message": waiting.message = try reader.readOptionalString(); return 1
                        default: return nil
                        }
                    }
                    return waiting
                }
                return 0
            case "running":
                running = try reader.readOptional { reader in
                    var running = Running()
                    try reader.readObject { reader, key in
                        guard key == "startedAt" else { return nil }
                        running.startedAt = try reader.readOptionalString()
                        return 0
                    }
                    return running
                }
                return 1
            case "terminated": terminated = try reader.readOptional(Terminated.init(reading:)); return 2
            default: return nil
            }
        }
        self.init(waiting: waiting, running: running, terminated: terminated)
    }
}

extension ContainerState.Terminated {
    init(reading reader: inout JSONReader) throws {
        self.init()
        try reader.readObject { reader, key in
            switch key {
            case "exitCode": exitCode = try reader.readOptional { try $0.readInteger() }; return 0
            case "reason": reason = try reader.readOptionalString(); return 1
            case "message": message = try reader.readOptionalString(); return 2
            case "startedAt": startedAt = try reader.readOptionalString(); return 3
            case "finishedAt": finishedAt = try reader.readOptionalString(); return 4
            default: return nil
            }
        }
    }
}
