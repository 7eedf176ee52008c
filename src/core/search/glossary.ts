/**
 * A bilingual glossary of general networking vocabulary, kept as data.
 *
 * Each entry is one concept: its English phrasings and its Chinese phrasings.
 * At index time, a document field that contains any phrasing of a concept also
 * receives every other phrasing of it (both languages), so an English query
 * finds a case whose only match is Chinese and the reverse, and synonyms in
 * one language meet (`half-open queue` and `SYN queue`).
 *
 * Keep entries general (terms an engineer would use in any incident), never
 * phrases copied from a particular query. English phrasings are matched word
 * by word after stemming; Chinese phrasings are matched as substrings.
 */

/** One concept of the glossary. */
export interface GlossaryEntry {
  /** English phrasings, e.g. `SYN queue`. */
  en: string[];
  /** Chinese phrasings, e.g. `半连接队列`. */
  zh: string[];
}

/** The glossary. */
export const GLOSSARY: readonly GlossaryEntry[] = [
  // TCP connection setup and queues
  { en: ['SYN queue', 'half-open queue', 'half open queue', 'syn backlog'], zh: ['半连接队列', '半连接'] },
  { en: ['accept queue', 'full connection queue', 'listen queue', 'accept backlog'], zh: ['全连接队列', '全连接'] },
  { en: ['handshake', 'three-way handshake'], zh: ['握手', '三次握手'] },
  { en: ['four-way handshake', 'connection teardown'], zh: ['四次挥手', '挥手'] },
  { en: ['queue'], zh: ['队列'] },
  { en: ['backlog'], zh: ['积压', '堆积'] },
  { en: ['overflow', 'overrun'], zh: ['溢出'] },
  { en: ['connection', 'connect'], zh: ['连接', '建连', '链接'] },
  { en: ['new connection'], zh: ['新连接', '新建连接'] },
  { en: ['short connection', 'short-lived connection'], zh: ['短连接'] },
  { en: ['keep-alive', 'keepalive', 'persistent connection', 'long connection'], zh: ['长连接', '保活'] },
  { en: ['listen', 'listener', 'listening socket'], zh: ['监听'] },
  { en: ['socket'], zh: ['套接字'] },
  { en: ['port'], zh: ['端口'] },
  { en: ['source port', 'local port'], zh: ['源端口', '本地端口'] },
  { en: ['port exhaustion', 'ports exhausted', 'run out of ports'], zh: ['端口耗尽', '端口不够'] },
  { en: ['port reuse', 'reuse'], zh: ['端口复用', '复用', '重用'] },
  { en: ['state'], zh: ['状态'] },
  { en: ['close', 'closing'], zh: ['关闭'] },
  { en: ['reset', 'RST'], zh: ['重置', '复位'] },
  { en: ['refused', 'connection refused'], zh: ['拒绝', '连接被拒绝'] },
  { en: ['timestamp', 'time stamp', 'TSval'], zh: ['时间戳'] },
  { en: ['sequence number'], zh: ['序列号', '序号'] },
  { en: ['window', 'receive window'], zh: ['窗口', '接收窗口'] },
  { en: ['window scaling', 'window scale'], zh: ['窗口缩放', '窗口扩大'] },
  { en: ['congestion'], zh: ['拥塞'] },
  { en: ['retransmission', 'retransmit', 'retransmitted'], zh: ['重传'] },
  { en: ['fast retransmit', 'fast retransmission'], zh: ['快速重传'] },
  { en: ['duplicate ACK', 'dup ack'], zh: ['重复确认', '重复ACK'] },
  { en: ['acknowledgement', 'ack'], zh: ['确认'] },
  { en: ['retry'], zh: ['重试'] },
  { en: ['timeout', 'time out', 'timed out'], zh: ['超时'] },
  { en: ['latency', 'delay', 'slow response'], zh: ['延时', '延迟', '耗时', '时延'] },
  { en: ['slow'], zh: ['慢', '缓慢'] },
  { en: ['stall', 'hang', 'stuck'], zh: ['卡住', '卡顿', '卡死', '夯住'] },
  { en: ['jitter', 'spike'], zh: ['抖动', '毛刺'] },
  { en: ['intermittent', 'occasionally', 'sporadic'], zh: ['偶尔', '偶发', '间歇', '时好时坏'] },
  { en: ['throughput', 'bandwidth'], zh: ['吞吐', '吞吐量', '带宽'] },
  { en: ['packet loss', 'dropped packets', 'packet drop'], zh: ['丢包'] },
  { en: ['drop', 'dropped', 'discard'], zh: ['丢弃', '被丢', '丢掉', '丢失'] },
  { en: ['packet'], zh: ['数据包', '报文', '包'] },
  { en: ['large packet', 'big packet'], zh: ['大包'] },
  { en: ['datagram'], zh: ['数据报'] },
  { en: ['segment'], zh: ['分段', '报文段'] },
  { en: ['fragmentation', 'fragment'], zh: ['分片'] },
  { en: ['sticky packets', 'message framing', 'message boundary'], zh: ['粘包', '拆包', '半包'] },
  { en: ['byte stream'], zh: ['字节流'] },
  { en: ['message'], zh: ['消息'] },
  { en: ['capture', 'packet capture', 'tcpdump'], zh: ['抓包'] },
  { en: ['head-of-line blocking', 'head of line blocking'], zh: ['队头阻塞'] },
  { en: ['blocking', 'blocked'], zh: ['阻塞'] },
  { en: ['multiplexing'], zh: ['多路复用'] },
  // Addressing, routing, devices
  { en: ['DNS resolution', 'name resolution', 'resolve', 'resolver', 'lookup'], zh: ['域名解析', '解析', 'DNS解析'] },
  { en: ['domain name'], zh: ['域名'] },
  { en: ['DNS query', 'DNS request'], zh: ['DNS查询', 'DNS请求'] },
  { en: ['query', 'request'], zh: ['请求', '查询'] },
  { en: ['response', 'reply'], zh: ['响应', '回应', '应答', '回包'] },
  { en: ['no response', 'unanswered', 'never answered'], zh: ['无响应', '没有响应', '不回应', '没响应', '没有回应'] },
  { en: ['address translation', 'NAT'], zh: ['地址转换'] },
  { en: ['address'], zh: ['地址'] },
  { en: ['IP conflict', 'address conflict', 'duplicate IP'], zh: ['IP冲突', '地址冲突'] },
  { en: ['conflict', 'collision', 'collide'], zh: ['冲突', '碰撞'] },
  { en: ['route', 'routing'], zh: ['路由'] },
  { en: ['router'], zh: ['路由器'] },
  { en: ['gateway'], zh: ['网关'] },
  { en: ['load balancer', 'load balancing', 'LB'], zh: ['负载均衡'] },
  { en: ['proxy', 'reverse proxy'], zh: ['代理', '反向代理'] },
  { en: ['layer 7', 'L7'], zh: ['七层'] },
  { en: ['layer 4', 'L4'], zh: ['四层'] },
  { en: ['health check', 'probe'], zh: ['健康检查', '探活', '探测'] },
  { en: ['firewall'], zh: ['防火墙'] },
  { en: ['middlebox', 'intermediate device', 'security software'], zh: ['中间设备', '安全软件'] },
  { en: ['inject', 'injected', 'forged'], zh: ['注入', '伪造'] },
  { en: ['NIC', 'network card', 'network interface'], zh: ['网卡'] },
  { en: ['interface'], zh: ['接口'] },
  { en: ['duplex', 'half duplex'], zh: ['双工', '半双工'] },
  { en: ['auto-negotiation', 'negotiate', 'negotiated'], zh: ['自协商', '协商'] },
  { en: ['network', 'networking'], zh: ['网络'] },
  { en: ['network namespace', 'netns'], zh: ['网络命名空间'] },
  { en: ['container'], zh: ['容器'] },
  { en: ['server'], zh: ['服务器', '服务端'] },
  { en: ['client'], zh: ['客户端'] },
  { en: ['backend', 'upstream'], zh: ['后端', '上游'] },
  { en: ['kernel'], zh: ['内核'] },
  { en: ['kernel parameter', 'sysctl'], zh: ['内核参数'] },
  { en: ['upgrade'], zh: ['升级'] },
  { en: ['buffer', 'receive buffer'], zh: ['缓冲区', '缓存区', '接收缓冲区'] },
  // CPU, processes, resources
  { en: ['softirq', 'soft interrupt'], zh: ['软中断'] },
  { en: ['interrupt', 'irq', 'hard interrupt'], zh: ['中断', '硬中断'] },
  { en: ['CPU usage', 'CPU load', 'high CPU'], zh: ['CPU高', 'CPU使用率', '负载高', '高负载'] },
  { en: ['core', 'CPU core'], zh: ['核', '单核', 'CPU核'] },
  { en: ['lock', 'lock contention', 'spinlock', 'spin lock'], zh: ['锁', '锁竞争', '自旋锁'] },
  { en: ['contention'], zh: ['竞争', '争用'] },
  { en: ['race', 'race condition'], zh: ['竞态', '竞争条件'] },
  { en: ['thread'], zh: ['线程'] },
  { en: ['process'], zh: ['进程'] },
  { en: ['leak', 'leaked', 'leftover'], zh: ['泄漏', '泄露', '残留'] },
  { en: ['exhaust', 'exhausted', 'exhaustion', 'limit reached'], zh: ['耗尽', '用尽', '超过'] },
  { en: ['limit'], zh: ['限制', '上限'] },
  { en: ['performance', 'bottleneck'], zh: ['性能', '瓶颈'] },
  { en: ['benchmark', 'load test', 'stress test'], zh: ['压测', '压力测试'] },
  { en: ['concurrency', 'concurrent', 'parallel'], zh: ['并发', '并行'] },
  { en: ['increase', 'increasing', 'growing', 'rising'], zh: ['增加', '上涨', '增长', '变多'] },
  { en: ['counter', 'statistics'], zh: ['计数器', '统计'] },
  { en: ['error'], zh: ['错误', '报错'] },
  { en: ['failure', 'failed', 'fail'], zh: ['失败'] },
  { en: ['missing', 'does not exist', 'absent', 'not found'], zh: ['不存在', '缺失', '找不到'] },
  { en: ['order'], zh: ['顺序'] },
  { en: ['configuration', 'config'], zh: ['配置'] },
  { en: ['check', 'validation'], zh: ['检查', '校验'] },
  { en: ['second', 'seconds'], zh: ['秒'] },
  { en: ['traffic'], zh: ['流量'] },
  { en: ['peak', 'burst'], zh: ['高峰', '突发', '峰值'] },
  { en: ['application', 'app', 'service'], zh: ['应用', '服务', '业务'] },
  { en: ['database'], zh: ['数据库'] },
];
