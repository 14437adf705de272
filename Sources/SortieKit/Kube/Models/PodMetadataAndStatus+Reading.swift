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
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "metadata": try seen.insert(0); metadata = try reader.readOptional(ObjectMeta.init(reading:))
            case "status": try seen.insert(1); status = try reader.readOptional(PodStatus.init(reading:))
            default: try reader.skipValue()
            }
        }
        guard let metadata else { throw JSONReader.Unsupported() }
        self.init(metadata: metadata, status: status)
    }
}

extension ObjectMeta {
    init(reading reader: inout JSONReader) throws {
        self.init()
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "name": try seen.insert(0); name = try reader.readOptionalString()
            case "generateName": try seen.insert(1); generateName = try reader.readOptionalString()
            case "namespace": try seen.insert(2); namespace = try reader.readOptionalString()
            case "uid": try seen.insert(3); uid = try reader.readOptionalString()
            case "resourceVersion": try seen.insert(4); resourceVersion = try reader.readOptionalString()
            case "generation": try seen.insert(5); generation = try reader.readOptional { try $0.readInteger() }
            case "creationTimestamp": try seen.insert(6); creationTimestamp = try reader.readOptionalString()
            case "deletionTimestamp": try seen.insert(7); deletionTimestamp = try reader.readOptionalString()
            case "deletionGracePeriodSeconds":
                try seen.insert(8); deletionGracePeriodSeconds = try reader.readOptional { try $0.readInteger() }
            case "labels": try seen.insert(9); labels = try reader.readOptional { try $0.readStringMap() }
            case "annotations": try seen.insert(10); annotations = try reader.readOptional { try $0.readStringMap() }
            case "finalizers":
                try seen.insert(11); finalizers = try reader.readOptional { try $0.readArray { try $0.readString() } }
            case "ownerReferences":
                try seen.insert(12); ownerReferences = try reader.readOptional { try $0.readArray(of: OwnerReference.init(reading:)) }
            default: try reader.skipValue()
            }
        }
    }
}

extension OwnerReference {
    init(reading reader: inout JSONReader) throws {
        var apiVersion: String?, kind: String?, name: String?, uid: String?, controller: Bool?
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "apiVersion": try seen.insert(0); apiVersion = try reader.readString()
            case "kind": try seen.insert(1); kind = try reader.readString()
            case "name": try seen.insert(2); name = try reader.readString()
            case "uid": try seen.insert(3); uid = try reader.readString()
            case "controller": try seen.insert(4); controller = try reader.readOptional { try $0.readBool() }
            default: try reader.skipValue()
            }
        }
        guard let apiVersion, let kind, let name, let uid else { throw JSONReader.Unsupported() }
        self.init(apiVersion: apiVersion, kind: kind, name: name, uid: uid, controller: controller)
    }
}

extension PodStatus {
    init(reading reader: inout JSONReader) throws {
        self.init()
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "phase": try seen.insert(0); phase = try reader.readOptionalString()
            case "conditions":
                try seen.insert(1); conditions = try reader.readOptional { try $0.readArray(of: PodCondition.init(reading:)) }
            case "message": try seen.insert(2); message = try reader.readOptionalString()
            case "reason": try seen.insert(3); reason = try reader.readOptionalString()
            case "hostIP": try seen.insert(4); hostIP = try reader.readOptionalString()
            case "podIP": try seen.insert(5); podIP = try reader.readOptionalString()
            case "startTime": try seen.insert(6); startTime = try reader.readOptionalString()
            case "qosClass": try seen.insert(7); qosClass = try reader.readOptionalString()
            case "initContainerStatuses":
                try seen.insert(8)
                initContainerStatuses = try reader.readOptional { try $0.readArray(of: ContainerStatus.init(reading:)) }
            case "containerStatuses":
                try seen.insert(9)
                containerStatuses = try reader.readOptional { try $0.readArray(of: ContainerStatus.init(reading:)) }
            default: try reader.skipValue()
            }
        }
    }
}

extension PodCondition {
    init(reading reader: inout JSONReader) throws {
        var type: String?, status: String?, reason: String?, message: String?, lastTransitionTime: String?
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "type": try seen.insert(0); type = try reader.readString()
            case "status": try seen.insert(1); status = try reader.readString()
            case "reason": try seen.insert(2); reason = try reader.readOptionalString()
            case "message": try seen.insert(3); message = try reader.readOptionalString()
            case "lastTransitionTime": try seen.insert(4); lastTransitionTime = try reader.readOptionalString()
            default: try reader.skipValue()
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
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "name": try seen.insert(0); name = try reader.readString()
            case "ready": try seen.insert(1); ready = try reader.readOptional { try $0.readBool() }
            case "started": try seen.insert(2); started = try reader.readOptional { try $0.readBool() }
            case "restartCount": try seen.insert(3); restartCount = try reader.readOptional { try $0.readInteger() }
            case "image": try seen.insert(4); image = try reader.readOptionalString()
            case "imageID": try seen.insert(5); imageID = try reader.readOptionalString()
            case "containerID": try seen.insert(6); containerID = try reader.readOptionalString()
            case "state": try seen.insert(7); state = try reader.readOptional(ContainerState.init(reading:))
            case "lastState": try seen.insert(8); lastState = try reader.readOptional(ContainerState.init(reading:))
            default: try reader.skipValue()
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
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "waiting": try seen.insert(0); waiting = try reader.readOptional(Waiting.init(reading:))
            case "running": try seen.insert(1); running = try reader.readOptional(Running.init(reading:))
            case "terminated": try seen.insert(2); terminated = try reader.readOptional(Terminated.init(reading:))
            default: try reader.skipValue()
            }
        }
        self.init(waiting: waiting, running: running, terminated: terminated)
    }
}

extension ContainerState.Waiting {
    init(reading reader: inout JSONReader) throws {
        self.init()
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "reason": try seen.insert(0); reason = try reader.readOptionalString()
            case "message": try seen.insert(1); message = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
    }
}

extension ContainerState.Running {
    init(reading reader: inout JSONReader) throws {
        self.init()
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "startedAt": try seen.insert(0); startedAt = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
    }
}

extension ContainerState.Terminated {
    init(reading reader: inout JSONReader) throws {
        self.init()
        var seen = JSONFieldsSeen()
        try reader.enterObject()
        while let key = try reader.nextKey() {
            switch key {
            case "exitCode": try seen.insert(0); exitCode = try reader.readOptional { try $0.readInteger() }
            case "reason": try seen.insert(1); reason = try reader.readOptionalString()
            case "message": try seen.insert(2); message = try reader.readOptionalString()
            case "startedAt": try seen.insert(3); startedAt = try reader.readOptionalString()
            case "finishedAt": try seen.insert(4); finishedAt = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
    }
}
